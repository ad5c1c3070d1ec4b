package io.tickstorm.server.entitlement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EntitlementsLoaderTest {

    @TempDir
    Path dir;

    private EntitlementsLoader loader(Path file, EntitlementsConfig.Default fallback) {
        return new EntitlementsLoader(new EntitlementsConfig(Optional.ofNullable(file), fallback, Duration.ofSeconds(1)));
    }

    @Test
    void withoutAFileEveryoneGetsTheDefault() {
        Entitlements all = loader(null, EntitlementsConfig.Default.ALL).initial();
        assertSame(SymbolPatterns.EVERYTHING, all.of("anyone"));
        Entitlements none = loader(null, EntitlementsConfig.Default.NONE).initial();
        assertTrue(none.of("anyone").isEmpty());
        assertTrue(none.of(null).isEmpty());
    }

    @Test
    void usersWithoutAnEntryGetTheDefault() throws IOException {
        Path file = Files.writeString(dir.resolve("ents"), "alice: FX.*\n");
        assertSame(SymbolPatterns.EVERYTHING, loader(file, EntitlementsConfig.Default.ALL).initial().of("bob"));
        Entitlements none = loader(file, EntitlementsConfig.Default.NONE).initial();
        assertTrue(none.of("bob").isEmpty());
        assertEquals(SymbolPatterns.of(List.of("FX.*")), none.of("alice"));
    }

    @Test
    void reloadSwapsOnlyWhenTheContentChanges() throws IOException {
        Path file = Files.writeString(dir.resolve("ents"), "alice: FX.*\n");
        EntitlementsLoader loader = loader(file, EntitlementsConfig.Default.ALL);
        Entitlements first = loader.initial();
        assertFalse(loader.reload(first).isPresent(), "unchanged");

        Files.writeString(file, "alice: AAPL\n");
        Entitlements second = loader.reload(first).orElseThrow();
        assertEquals(SymbolPatterns.of(List.of("AAPL")), second.of("alice"));
        assertFalse(loader.reload(second).isPresent());
    }

    @Test
    void aBrokenFileIsReportedOnceAndTheCallerKeepsThePreviousSnapshot() throws IOException {
        Path file = Files.writeString(dir.resolve("ents"), "alice: FX.*\n");
        EntitlementsLoader loader = loader(file, EntitlementsConfig.Default.ALL);
        Entitlements first = loader.initial();

        Files.writeString(file, "alice: fx\n");
        assertThrows(EntitlementsFileException.class, () -> loader.reload(first));
        assertFalse(loader.reload(first).isPresent(), "the same bad content is reported once");

        Files.delete(file);
        assertThrows(EntitlementsFileException.class, () -> loader.reload(first));
        assertFalse(loader.reload(first).isPresent(), "a missing file is reported once");

        Files.writeString(file, "alice: MSFT\n");
        assertEquals(SymbolPatterns.of(List.of("MSFT")), loader.reload(first).orElseThrow().of("alice"));
    }

    @Test
    void aBrokenFileStopsStartup() throws IOException {
        Path file = Files.writeString(dir.resolve("ents"), "alice FX.*\n");
        assertThrows(EntitlementsFileException.class, () -> loader(file, EntitlementsConfig.Default.ALL).initial());
        assertThrows(EntitlementsFileException.class,
                () -> loader(dir.resolve("missing"), EntitlementsConfig.Default.ALL).initial());
    }
}
