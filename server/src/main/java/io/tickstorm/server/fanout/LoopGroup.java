package io.tickstorm.server.fanout;

import io.netty.channel.EventLoop;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The subscribers of one stream that live on one event loop. The member list is touched only on that loop;
 * {@link #registered} is read by the feed thread to skip loops without subscribers.
 */
final class LoopGroup {

    final EventLoop loop;
    final ArrayList<Subscriber> members = new ArrayList<>();
    /**
     * Subscribers that are members or about to be: incremented before a joining subscriber reads the history (bars)
     * or by the feed thread before it sends the join (REALTIME), so a batch dispatched after that reaches them.
     */
    final AtomicInteger registered = new AtomicInteger();
    /** The delivery writing to the members now, possibly over several turns of the loop (loop only). */
    Delivery current;
    /** Deliveries of later batches waiting for {@link #current} (loop only): a stream's batches stay in order. */
    final ArrayDeque<Delivery> waiting = new ArrayDeque<>();

    LoopGroup(EventLoop loop) {
        this.loop = loop;
    }

    void add(Subscriber subscriber) {
        subscriber.slot = members.size();
        members.add(subscriber);
    }

    /** O(1) removal: the last member takes the leaver's slot. */
    void remove(Subscriber subscriber) {
        int slot = subscriber.slot;
        if (slot < 0) {
            return;
        }
        Subscriber last = members.remove(members.size() - 1);
        if (last != subscriber) {
            members.set(slot, last);
            last.slot = slot;
        }
        subscriber.slot = -1;
    }
}
