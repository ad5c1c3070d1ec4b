package io.tickstorm.server;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.tickstorm.limits.Limits;
import io.tickstorm.limits.LimitsConfig;
import io.tickstorm.server.admission.AdmissionConfig;
import io.tickstorm.server.auth.AuthConfig;
import io.tickstorm.server.config.ConfigErrorMessages;
import io.tickstorm.server.config.EnvironmentCheck;
import io.tickstorm.server.config.EnvironmentConfig;
import io.tickstorm.server.config.HeartbeatConfig;
import io.tickstorm.server.config.InboundConfig;
import io.tickstorm.server.config.ListenerProbe;
import io.tickstorm.server.config.MetricsHttpConfig;
import io.tickstorm.server.config.PreAuthConfig;
import io.tickstorm.server.config.ServerConfig;
import io.tickstorm.server.config.SettingCatalog;
import io.tickstorm.server.config.Settings;
import io.tickstorm.server.config.WriteConfig;
import io.tickstorm.server.feed.FeedConfig;
import io.tickstorm.server.tls.TlsConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Turns the environment into a checked configuration, or into the list of everything wrong with it, before any
 * startup work: values by variable ({@link EnvironmentCheck}), then each config record, each reporting its own first
 * problem, then both listen addresses bound for a moment ({@link ListenerProbe}). On the way it derives the
 * {@link Limits} and hands Netty its direct-memory budget, which must happen before any Netty class loads.
 */
final class StartupConfiguration {

    /** The records built from the tree, each checked on its own so that their problems are reported together. */
    private static final List<Function<Config, ?>> RECORDS = List.of(MetricsHttpConfig::from, HeartbeatConfig::from,
            WriteConfig::from, InboundConfig::from, AuthConfig::from, TlsConfig::from, FeedConfig::from,
            AdmissionConfig::from, PreAuthConfig::from);

    /**
     * The outcome: the configuration when {@code problems} and {@code bindProblems} are empty.
     *
     * @param problems     configuration errors, worded by variable (exit 2)
     * @param bindProblems listen addresses that cannot be bound (exit 1)
     */
    record Result(Config root, ServerConfig config, Limits limits, List<String> problems, List<String> bindProblems) {
    }

    private final SettingCatalog catalog;
    private final Map<String, String> env;
    private final ConfigErrorMessages messages;

    StartupConfiguration(SettingCatalog catalog, Map<String, String> env) {
        this.catalog = catalog;
        this.env = env;
        this.messages = new ConfigErrorMessages(catalog, env);
    }

    Result load() {
        Config root;
        try {
            root = EnvironmentConfig.load(env);
        } catch (ConfigException e) {
            return new Result(null, null, null, List.of(e.getMessage()), List.of());
        }
        List<String> problems = new ArrayList<>(new EnvironmentCheck(catalog, env).problems(root));
        Limits limits = null;
        try {
            limits = Limits.detect(LimitsConfig.from(root), Settings.integer(root, ServerConfig.EVENT_LOOPS_KEY));
        } catch (IllegalArgumentException | ConfigException e) {
            add(problems, e);
        }
        if (limits == null) {
            return new Result(root, null, null, problems, List.of());
        }
        configureJdkAndNetty(limits);
        for (Function<Config, ?> record : RECORDS) {
            try {
                record.apply(root);
            } catch (IllegalArgumentException | ConfigException e) {
                add(problems, e);
            }
        }
        ServerConfig config = null;
        if (problems.isEmpty()) {
            try {
                config = ServerConfig.from(root);
            } catch (IllegalArgumentException | ConfigException e) {
                add(problems, e);
            }
        }
        if (config == null) {
            return new Result(root, null, limits, problems, List.of());
        }
        List<String> bindProblems = new ArrayList<>(2);
        ListenerProbe.problem(variable(ServerConfig.LISTEN_KEY), config.listen()).ifPresent(bindProblems::add);
        ListenerProbe.problem(variable(MetricsHttpConfig.ADDRESS_KEY), config.metrics().address())
                .ifPresent(bindProblems::add);
        return new Result(root, config, limits, List.of(), bindProblems);
    }

    /** Adds the reworded problem unless the variable it names was already reported (by the environment check). */
    private void add(List<String> problems, RuntimeException e) {
        String problem = messages.describe(e.getMessage());
        int colon = problem.indexOf(": ");
        String subject = colon > 0 ? problem.substring(0, colon + 2) : problem;
        if (problems.stream().noneMatch(known -> known.startsWith(subject))) {
            problems.add(problem);
        }
    }

    private String variable(String key) {
        return catalog.setting(key).map(SettingCatalog.Setting::envVar).orElse(key);
    }

    /** System properties read once, when their classes first load: set before anything touches Netty or TLS. */
    private static void configureJdkAndNetty(Limits limits) {
        System.setProperty("io.netty.maxDirectMemory",
                System.getProperty("io.netty.maxDirectMemory", limits.nettyMaxDirectMemory()));
        // The jar's manifest opens java.nio, so Netty can use cleaner-less direct buffers and count them.
        System.setProperty("io.netty.tryReflectionSetAccessible",
                System.getProperty("io.netty.tryReflectionSetAccessible", "true"));
        // The JDK TLS provider reads this once, when its first server handshake loads the class that checks it, so
        // it is set before any TLS. The pipeline's RenegotiationGuard refuses renegotiation anyway; this makes the
        // JDK refuse it too wherever a JDK engine serves (issue 12 item 9).
        System.setProperty("jdk.tls.rejectClientInitiatedRenegotiation",
                System.getProperty("jdk.tls.rejectClientInitiatedRenegotiation", "true"));
    }
}
