package io.tickstorm.server.feed.file;

import io.tickstorm.protocol.proto.DataBatch;
import io.tickstorm.protocol.proto.Tick;
import java.lang.reflect.Method;
import java.util.Arrays;

/**
 * The CLI's own JSON line formatter ({@code TickFormat.JSON}, package-private in the protocol module), reached by
 * reflection so these tests parse exactly what {@code tick-storm-client --json} prints, not a copy of it.
 */
final class CliJson {

    private static final Object JSON_FORMAT;
    private static final Method APPEND_BATCH;

    static {
        try {
            Class<?> format = Class.forName("io.tickstorm.protocol.cli.TickFormat");
            JSON_FORMAT = Arrays.stream(format.getEnumConstants())
                    .filter(constant -> ((Enum<?>) constant).name().equals("JSON"))
                    .findFirst().orElseThrow(() -> new NoSuchFieldException("TickFormat.JSON"));
            APPEND_BATCH = format.getDeclaredMethod("appendBatch", StringBuilder.class, DataBatch.class);
            APPEND_BATCH.setAccessible(true);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private CliJson() {
    }

    /** The lines the CLI prints for {@code batch}, each ending with LF. */
    static String lines(DataBatch batch) {
        StringBuilder out = new StringBuilder();
        try {
            APPEND_BATCH.invoke(JSON_FORMAT, out, batch);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
        return out.toString();
    }

    /** The line the CLI prints for one tick, without its LF. */
    static String line(Tick tick, int batchSequence, boolean snapshot) {
        String lines = lines(DataBatch.newBuilder().addTicks(tick).setBatchSequence(batchSequence)
                .setIsSnapshot(snapshot).build());
        return lines.substring(0, lines.length() - 1);
    }
}
