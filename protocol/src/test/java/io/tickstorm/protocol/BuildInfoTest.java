package io.tickstorm.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

class BuildInfoTest {

    @Test
    void theBuildFilledInTheProjectVersion() {
        assertNotEquals(BuildInfo.UNKNOWN, BuildInfo.current().version());
        assertEquals(false, BuildInfo.current().version().contains("${"));
    }

    @Test
    void everyComponentPrintsOneFormat() {
        assertEquals("tick-storm-server 1.2.3 (commit abc1234)",
                new BuildInfo("1.2.3", "abc1234").versionLine("server"));
        assertEquals("tick-storm-client 1.2.3 (commit unknown)", new BuildInfo("1.2.3", "${git.commit}")
                .versionLine("client"));
    }
}
