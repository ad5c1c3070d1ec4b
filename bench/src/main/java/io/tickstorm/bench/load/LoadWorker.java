package io.tickstorm.bench.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.OpenSslSessionContext;
import io.netty.handler.ssl.SslContext;
import io.tickstorm.protocol.Direction;
import io.tickstorm.protocol.FrameDescriptor;
import io.tickstorm.protocol.client.ClientSslContextFactory;
import io.tickstorm.protocol.client.TickClientOptions;
import io.tickstorm.protocol.codec.FrameDecoder;
import io.tickstorm.protocol.codec.FrameEncoder;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * One worker process of a load run: opens its share of the connections on a shared event-loop group, holds them
 * and reports. Driven by its coordinator over stdin/stdout lines ({@value #PREFIX}-prefixed on stdout, everything
 * else goes to stderr):
 *
 * <pre>
 * worker: @@STARTED             coordinator: CONNECT
 * worker: @@PROGRESS round subscribed failed   (every --progress-seconds while connecting)
 * worker: @@READY {rounds}      coordinator: HOLD
 * worker: @@HELD                (then drains, closes everything)
 * worker: @@RESULT {json}       (and exits 0)
 * </pre>
 *
 * A worker whose coordinator goes away (stdin closes) or stays silent past the control timeout exits by itself.
 */
public final class LoadWorker {

    static final String PREFIX = "@@";
    private static final long CONTROL_TIMEOUT_SECONDS = 900;
    private static final long CLOSE_TIMEOUT_SECONDS = 30;

    private final LoadOptions options;
    private final PrintStream control;
    private final BlockingQueue<String> commands = new LinkedBlockingQueue<>();
    private final Map<String, LongAdder> unregisteredFailures = new ConcurrentHashMap<>();
    private final List<Channel> channels = new ArrayList<>();
    private final FrameEncoder encoder = new FrameEncoder();

    private LoadWorker(LoadOptions options, PrintStream control) {
        this.options = options;
        this.control = control;
    }

    public static void main(String[] args) throws Exception {
        LoadGenerator.useBenchLogging();
        PrintStream control = System.out;
        // Netty and the JDK may print to stdout; keep the control channel clean.
        System.setOut(System.err);
        LoadOptions options = LoadOptions.parse(args, System.getenv());
        new LoadWorker(options, control).run();
        System.exit(0);
    }

    private void run() throws Exception {
        startStdinReader();
        boolean epoll = Epoll.isAvailable();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(options.ioThreads(),
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        try {
            WorkerContext context = new WorkerContext(options, group);
            SslContext ssl = options.tls() ? sslContext() : null;
            Bootstrap healthy = bootstrap(group, epoll, 0);
            Bootstrap slow = bootstrap(group, epoll, options.slowReceiveBufferBytes());
            send("STARTED");
            await("CONNECT");

            ObjectMapper json = new ObjectMapper();
            var rounds = json.createArrayNode();
            for (int round = 0; round < options.reconnectRounds(); round++) {
                long began = System.nanoTime();
                int subscribed = connectAll(context, ssl, healthy, slow, round);
                ObjectNode r = rounds.addObject();
                r.put("round", round).put("subscribed", subscribed)
                        .put("settleMillis", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began));
                if (round + 1 < options.reconnectRounds()) {
                    closeAll();
                }
            }
            send("READY " + json.writeValueAsString(rounds));
            await("HOLD");

            long cpuStart = processCpuNanos();
            long holdStart = System.nanoTime();
            context.recording(group, true);
            Thread.sleep(TimeUnit.SECONDS.toMillis(options.holdSeconds()));
            context.recording(group, false);
            long holdNanos = System.nanoTime() - holdStart;
            long cpuHold = processCpuNanos() - cpuStart;
            send("HELD");

            drainSlowConsumers();
            countOpenAndClose();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();

            ObjectNode result = json.createObjectNode();
            result.put("worker", options.workerIndex()).put("connections", connectionCount())
                    .put("holdNanos", holdNanos).put("cpuHoldNanos", cpuHold)
                    .put("cpuTotalNanos", processCpuNanos()).put("epoll", epoll)
                    .put("openssl", ssl != null && ssl.sessionContext() instanceof OpenSslSessionContext);
            result.set("rounds", rounds);
            LoadStats healthyStats = context.total(false);
            // Failures outside any event loop (no channel, or never settled) count against the run as a whole.
            unregisteredFailures.forEach((kind, count) -> healthyStats.failures.merge(kind, count.sum(), Long::sum));
            healthyStats.toJson(result.putObject("healthy"));
            context.total(true).toJson(result.putObject("slow"));
            send("RESULT " + json.writeValueAsString(result));
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    private int connectionCount() {
        return options.connectionsOf(options.workerIndex(), options.workerCount());
    }

    /** Opens this worker's connections for one round; returns how many got subscribed. */
    private int connectAll(WorkerContext context, SslContext ssl, Bootstrap healthy, Bootstrap slow, int round)
            throws InterruptedException {
        int count = connectionCount();
        int first = options.firstConnectionOf(options.workerIndex(), options.workerCount());
        double ratePerWorker = options.connectRatePerSecond() / options.workerCount();
        Semaphore pending = options.maxPendingConnects() > 0 ? new Semaphore(options.maxPendingConnects()) : null;
        CountDownLatch settledAll = new CountDownLatch(count);
        LongAdder subscribed = new LongAdder();
        LongAdder failed = new LongAdder();
        BenchConnectionHandler.Settlement settlement = (connection, ok) -> {
            if (ok) {
                subscribed.increment();
            } else {
                failed.increment();
            }
            if (pending != null) {
                pending.release();
            }
            settledAll.countDown();
        };
        InetSocketAddress remote = new InetSocketAddress(options.host(), options.port());
        boolean bindSource = remote.getAddress().isLoopbackAddress();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(options.settleTimeoutSeconds());
        long startNanos = System.nanoTime();
        for (int i = 0; i < count; i++) {
            if (pending != null && !pending.tryAcquire(Math.max(0, deadline - System.nanoTime()),
                    TimeUnit.NANOSECONDS)) {
                break;
            }
            if (ratePerWorker > 0) {
                long due = startNanos + (long) (i * 1e9 / ratePerWorker);
                for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                    LockSupport.parkNanos(wait);
                }
            }
            int global = first + i;
            boolean isSlow = isSlow(global);
            long start = System.nanoTime();
            BenchConnectionHandler handler = new BenchConnectionHandler(context, round, isSlow, start, settlement);
            Bootstrap bootstrap = (isSlow ? slow : healthy).clone().handler(initializer(ssl, handler));
            ChannelFuture connect = bindSource
                    ? bootstrap.connect(remote, sourceAddress(global))
                    : bootstrap.connect(remote);
            synchronized (channels) {
                channels.add(connect.channel());
            }
            connect.addListener(f -> {
                if (!f.isSuccess()) {
                    if (connect.channel().isRegistered()) {
                        handler.connectFailed(f.cause());
                    } else {
                        unregisteredFailures.computeIfAbsent(FailureReason.connect(f.cause(), options.host(),
                                options.port(), options.connectTimeoutMillis()), k -> new LongAdder()).increment();
                        settlement.settled(handler, false);
                    }
                }
            });
        }
        long progressNanos = TimeUnit.SECONDS.toNanos(Math.max(1, options.progressSeconds()));
        for (long left = deadline - System.nanoTime(); left > 0 && settledAll.getCount() > 0;
                left = deadline - System.nanoTime()) {
            boolean done = settledAll.await(Math.min(left, progressNanos), TimeUnit.NANOSECONDS);
            if (!done && options.progressSeconds() > 0) {
                send("PROGRESS " + round + " " + subscribed.sum() + " " + failed.sum());
            }
        }
        if (settledAll.getCount() > 0) {
            unregisteredFailures.computeIfAbsent("settle: neither subscribed nor failed within"
                    + " --settle-timeout-seconds " + options.settleTimeoutSeconds()
                    + " (the server accepts slowly or not at all)",
                    k -> new LongAdder()).add(settledAll.getCount());
        }
        return subscribed.intValue();
    }

    /** Exactly {@code slowConsumers} of all connections are slow, spread evenly over the index range. */
    private boolean isSlow(int global) {
        long slow = options.slowConsumers();
        long n = options.connections();
        return slow > 0 && global * slow / n != (global + 1L) * slow / n;
    }

    private InetSocketAddress sourceAddress(int global) {
        int host = LoadOptions.FIRST_SOURCE_HOST + global % options.sourceAddresses();
        try {
            return new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) host}), 0);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException("127.0.0." + host, e);
        }
    }

    private ChannelInitializer<Channel> initializer(SslContext ssl, BenchConnectionHandler handler) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                ChannelPipeline p = ch.pipeline();
                if (ssl != null) {
                    // Host and port key the client session cache, so a reconnect can resume the TLS session.
                    p.addLast("tls", ssl.newHandler(ch.alloc(), options.verifiedName(), options.port()));
                }
                p.addLast("frame-decoder", new FrameDecoder(FrameDescriptor.DEFAULT_MAX_PAYLOAD_BYTES,
                        Direction.SERVER_TO_CLIENT));
                p.addLast("frame-encoder", encoder);
                p.addLast("connection", handler);
            }
        };
    }

    private Bootstrap bootstrap(EventLoopGroup group, boolean epoll, int receiveBufferBytes) {
        Bootstrap b = new Bootstrap().group(group)
                .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, options.connectTimeoutMillis());
        if (receiveBufferBytes > 0) {
            b.option(ChannelOption.SO_RCVBUF, receiveBufferBytes);
        }
        return b;
    }

    private SslContext sslContext() {
        TickClientOptions.Builder b = TickClientOptions.builder().host(options.host()).port(options.port()).tls(true);
        // As the CLI client: the JDK's trust store unless a CA file (or, for the generated default, --insecure).
        if (options.insecure()) {
            b.trustInsecure();
        } else if (options.caFile() != null) {
            b.trustCaFile(options.caFile());
        }
        if (options.serverName() != null) {
            b.serverName(options.serverName());
        }
        return ClientSslContextFactory.create(b.credentials(options.username(), options.password()).build());
    }

    private void closeAll() throws InterruptedException {
        List<Channel> all = takeChannels();
        for (Channel ch : all) {
            ch.eventLoop().execute(() -> {
                BenchConnectionHandler h = ch.pipeline().get(BenchConnectionHandler.class);
                if (h != null) {
                    h.stopping();
                }
                ch.close();
            });
        }
        for (Channel ch : all) {
            ch.closeFuture().await(CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
    }

    private List<Channel> takeChannels() {
        synchronized (channels) {
            List<Channel> all = new ArrayList<>(channels);
            channels.clear();
            return all;
        }
    }

    /** Slow connections read again, so the SLOW_CONSUMER errors the server sent them are counted. */
    private void drainSlowConsumers() throws InterruptedException {
        if (options.slowConsumers() == 0 || options.drainSeconds() == 0) {
            return;
        }
        synchronized (channels) {
            for (Channel ch : channels) {
                BenchConnectionHandler h = ch.pipeline().get(BenchConnectionHandler.class);
                if (h != null && h.slow()) {
                    ch.config().setAutoRead(true);
                }
            }
        }
        Thread.sleep(TimeUnit.SECONDS.toMillis(options.drainSeconds()));
    }

    private void countOpenAndClose() throws InterruptedException {
        List<Channel> all = takeChannels();
        for (Channel ch : all) {
            if (ch.isRegistered()) {
                ch.eventLoop().submit(() -> {
                    BenchConnectionHandler h = ch.pipeline().get(BenchConnectionHandler.class);
                    if (h != null && ch.isActive()) {
                        h.countOpen();
                    }
                    if (h != null) {
                        h.stopping();
                    }
                    ch.close();
                }).await(CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            }
        }
        for (Channel ch : all) {
            ch.closeFuture().await(CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private void send(String line) {
        control.println(PREFIX + line);
        control.flush();
    }

    private void await(String command) throws InterruptedException {
        String line = commands.poll(CONTROL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (line == null || !line.equals(command)) {
            System.err.println("tick-storm-bench worker " + options.workerIndex() + ": expected " + command
                    + ", got " + (line == null ? "nothing in " + CONTROL_TIMEOUT_SECONDS + " s" : line) + "; exiting");
            System.exit(3);
        }
    }

    private void startStdinReader() {
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    commands.add(line.strip());
                }
            } catch (java.io.IOException e) {
                System.err.println("tick-storm-bench worker: stdin failed: " + e);
            }
            // The coordinator is gone: never outlive it.
            System.err.println("tick-storm-bench worker " + options.workerIndex() + ": coordinator closed stdin");
            Runtime.getRuntime().halt(4);
        }, "control-reader");
        reader.setDaemon(true);
        reader.start();
    }
}
