package io.tickstorm.server.auth;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import io.tickstorm.server.logging.RateLimitedLogger;
import java.time.Duration;
import org.slf4j.LoggerFactory;

/**
 * The hash threads and their two bounded queues: the priority lane (verifications for a source that recently logged
 * that user in) is always served before the normal lane, so that a guessing storm filling the normal lane delays
 * neither returning clients nor, while the budgets hold the storm small, anyone for long. Each lane holds at most
 * {@code laneCapacity} waiting tasks; beyond that {@link #execute} throws {@link RejectedExecutionException}.
 *
 * <p>Threads are daemons named {@code tick-storm-auth-hash-N}, started here and stopped by {@link #shutdown()},
 * which hands back the tasks still waiting. A task that throws is logged (rate-limited) and the thread goes on.
 */
final class HashExecutor {

    /** A failing hash (e.g. out of memory for Argon2id's blocks) tends to fail for every task of a wave. */
    private final RateLimitedLogger failureLog =
            new RateLimitedLogger(LoggerFactory.getLogger(HashExecutor.class), 5, Duration.ofMinutes(1));

    private final int laneCapacity;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition waiting = lock.newCondition();
    /** Guarded by {@code lock}. */
    private final ArrayDeque<Runnable> priorityLane = new ArrayDeque<>();
    private final ArrayDeque<Runnable> normalLane = new ArrayDeque<>();
    private boolean shutdown;
    private final List<Thread> threads = new ArrayList<>();

    HashExecutor(int threadCount, int laneCapacity) {
        if (threadCount < 1 || laneCapacity < 1) {
            throw new IllegalArgumentException("threadCount and laneCapacity must be positive");
        }
        this.laneCapacity = laneCapacity;
        for (int i = 1; i <= threadCount; i++) {
            Thread thread = new Thread(this::work, "tick-storm-auth-hash-" + i);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
    }

    /**
     * Queues {@code task} in the priority or the normal lane.
     *
     * @throws RejectedExecutionException if that lane is full or the executor is shut down
     */
    void execute(Runnable task, boolean priority) {
        lock.lock();
        try {
            if (shutdown) {
                throw new RejectedExecutionException("hash executor shut down");
            }
            ArrayDeque<Runnable> lane = priority ? priorityLane : normalLane;
            if (lane.size() >= laneCapacity) {
                throw new RejectedExecutionException((priority ? "priority" : "normal") + " hash queue full");
            }
            lane.add(task);
            waiting.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Tasks waiting in both lanes. */
    int queued() {
        lock.lock();
        try {
            return priorityLane.size() + normalLane.size();
        } finally {
            lock.unlock();
        }
    }

    /** Stops accepting tasks and returns those still waiting, priority lane first; running ones finish. */
    List<Runnable> shutdown() {
        lock.lock();
        try {
            shutdown = true;
            List<Runnable> pending = new ArrayList<>(priorityLane);
            pending.addAll(normalLane);
            priorityLane.clear();
            normalLane.clear();
            waiting.signalAll();
            return pending;
        } finally {
            lock.unlock();
        }
    }

    /** Waits for the threads to end after {@link #shutdown()}; true if they all did within the timeout. */
    boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        long deadlineNanos = System.nanoTime() + unit.toNanos(timeout);
        for (Thread thread : threads) {
            long leftNanos = deadlineNanos - System.nanoTime();
            if (leftNanos > 0) {
                TimeUnit.NANOSECONDS.timedJoin(thread, leftNanos);
            }
            if (thread.isAlive()) {
                return false;
            }
        }
        return true;
    }

    private void work() {
        for (Runnable task; (task = next()) != null; ) {
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                failureLog.error("Hash task failed", e);
            }
        }
    }

    /** The next task, priority lane first; null once shut down. Interrupts are ignored: only shutdown stops it. */
    private Runnable next() {
        lock.lock();
        try {
            while (true) {
                Runnable task = priorityLane.poll();
                if (task == null) {
                    task = normalLane.poll();
                }
                if (task != null) {
                    return task;
                }
                if (shutdown) {
                    return null;
                }
                waiting.awaitUninterruptibly();
            }
        } finally {
            lock.unlock();
        }
    }
}
