package io.tickstorm.server.fanout;

import io.tickstorm.protocol.client.TickListener;
import io.tickstorm.protocol.proto.DataBatch;
import io.tickstorm.protocol.proto.ErrorResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records what one {@code TickClient} receives, for assertions after the run. */
final class RecordingListener implements TickListener {

    final List<DataBatch> batches = new CopyOnWriteArrayList<>();
    final List<String> problems = new CopyOnWriteArrayList<>();

    @Override
    public void onBatch(DataBatch batch) {
        batches.add(batch);
    }

    @Override
    public void onError(ErrorResponse error) {
        problems.add("error " + error.getCode() + ": " + error.getMessage());
    }

    @Override
    public void onGap(long expected, long actual) {
        problems.add("gap: expected " + expected + ", got " + actual);
    }

    @Override
    public void onClosed(Throwable cause) {
        if (cause != null) {
            problems.add("closed: " + cause);
        }
    }
}
