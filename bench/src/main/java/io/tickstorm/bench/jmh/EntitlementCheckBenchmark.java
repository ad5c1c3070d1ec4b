package io.tickstorm.bench.jmh;

import io.tickstorm.protocol.proto.SubscribeRequest;
import io.tickstorm.protocol.proto.SubscriptionMode;
import io.tickstorm.server.entitlement.SymbolPatterns;
import io.tickstorm.server.fanout.SubscriptionRejectedException;
import io.tickstorm.server.fanout.SubscriptionSpec;
import io.tickstorm.server.fanout.SubscriptionValidator;
import io.tickstorm.server.feed.SymbolUniverse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The entitlement check's cost per SUBSCRIBE (issue 15): one SUBSCRIBE of 100 symbols (the protocol's maximum),
 * every one entitled, so every symbol is checked (a denial stops at the first symbol outside).
 *
 * <ul>
 *   <li>{@code check}: the check alone, {@link SymbolPatterns#matches} for each of the 100 symbols;
 *   <li>{@code validate}: the whole {@link SubscriptionValidator} (symbol syntax, entitlement, universe lookup,
 *       dedup and sort), what the event loop pays per SUBSCRIBE;
 *   <li>{@code validateUnrestricted}: the same request with no entitlements, the cost before this feature.
 * </ul>
 * {@code patterns}: {@code *} (every symbol), or 1,000 patterns, 500 exact names and 500 prefixes ({@code PX123.*});
 * half of the requested symbols match an exact name, half a prefix.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class EntitlementCheckBenchmark {

    private static final int SYMBOLS = 100;
    private static final int PATTERNS = 1_000;

    @Param({"*", "1000"})
    public String patterns;

    private SymbolPatterns entitled;
    private String[] requested;
    private SubscribeRequest request;
    private SubscriptionValidator validator;

    @Setup(Level.Trial)
    public void setUp() {
        List<String> patternList = new ArrayList<>();
        List<String> symbols = new ArrayList<>();
        for (int i = 0; i < PATTERNS / 2; i++) {
            patternList.add(exact(i));
            patternList.add(String.format(Locale.ROOT, "PX%03d.*", i));
        }
        // Spread over the pattern set: exact names and prefixes from all over the sorted order.
        for (int i = 0; i < SYMBOLS / 2; i++) {
            symbols.add(exact(i * 10 + 3));
            symbols.add(String.format(Locale.ROOT, "PX%03d.SYM%d", i * 10 + 7, i));
        }
        entitled = "*".equals(patterns) ? SymbolPatterns.EVERYTHING : SymbolPatterns.of(patternList);
        requested = symbols.toArray(String[]::new);
        request = SubscribeRequest.newBuilder().setMode(SubscriptionMode.REALTIME).addAllSymbols(symbols).build();
        // A REALTIME request without a start time never reads the history.
        validator = new SubscriptionValidator(SymbolUniverse.of(symbols), null);
        for (String symbol : requested) {
            if (!entitled.matches(symbol)) {
                throw new IllegalStateException(symbol + " is not entitled");
            }
        }
    }

    private static String exact(int i) {
        return String.format(Locale.ROOT, "EQ.S%04d", i);
    }

    @Benchmark
    public int check() {
        int matched = 0;
        for (String symbol : requested) {
            if (entitled.matches(symbol)) {
                matched++;
            }
        }
        return matched;
    }

    @Benchmark
    public SubscriptionSpec validate() throws SubscriptionRejectedException {
        return validator.validate(request, entitled);
    }

    @Benchmark
    public SubscriptionSpec validateUnrestricted() throws SubscriptionRejectedException {
        return validator.validate(request);
    }
}
