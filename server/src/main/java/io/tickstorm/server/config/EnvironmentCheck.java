package io.tickstorm.server.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The checks that need nothing but the configuration tree, run before anything else at startup so that every such
 * mistake is reported at once, by variable: duration variables (a bare number only for the {@code *_MS} ones,
 * never negative), booleans, {@code LOG_LEVEL}, and the files the server will read (credentials, TLS, the feed
 * recording, Kafka properties) as "no such file". The config records check the rest when they are built.
 */
public final class EnvironmentCheck {

    /** The log level, read by logback from the same variable; listed in reference.conf for --help and this check. */
    public static final String LOG_LEVEL_KEY = "tick-storm.log-level";
    private static final Set<String> LOG_LEVELS = Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF");

    /** Settings naming a file the server reads at startup (empty means none), by the block that reads it. */
    private static final List<String> FILE_KEYS = List.of(
            "tick-storm.auth.credentials-file",
            "tick-storm.tls.cert-file",
            "tick-storm.tls.key-file",
            "tick-storm.tls.client-ca-file",
            "tick-storm.feed.file.path",
            "tick-storm.feed.kafka.properties-file");
    private static final String TLS_PREFIX = "tick-storm.tls.";
    private static final String TLS_ENABLED_KEY = "tick-storm.tls.enabled";
    private static final String FEED_SOURCE_KEY = "tick-storm.feed.source";
    private static final String FILE_SOURCE_PREFIX = "tick-storm.feed.file.";
    private static final String KAFKA_SOURCE_PREFIX = "tick-storm.feed.kafka.";
    /** {@code FEED_FILE=-} reads standard input. */
    private static final String STDIN = "-";

    private static final Pattern BARE_NUMBER = Pattern.compile("^\\s*[+-]?\\d+(\\.\\d+)?\\s*$");
    private static final String MILLIS_SUFFIX = "_MS";

    private final SettingCatalog catalog;
    private final Map<String, String> env;
    private final ConfigErrorMessages messages;

    public EnvironmentCheck(SettingCatalog catalog, Map<String, String> env) {
        this.catalog = catalog;
        this.env = env;
        this.messages = new ConfigErrorMessages(catalog, env);
    }

    /** Every problem found, worded by variable; empty when there is none. */
    public List<String> problems(Config root) {
        List<String> problems = new ArrayList<>();
        for (SettingCatalog.Setting setting : catalog.settings()) {
            Optional<String> variable = setting.setBy(env);
            if (variable.isEmpty()) {
                continue;
            }
            switch (setting.kind()) {
                case DURATION -> checkDuration(root, setting, variable.get()).ifPresent(problems::add);
                case BOOLEAN -> checkBoolean(root, setting).ifPresent(problems::add);
                default -> { }
            }
        }
        catalog.setting(LOG_LEVEL_KEY).flatMap(setting -> checkLogLevel(root, setting)).ifPresent(problems::add);
        for (String key : FILE_KEYS) {
            if (read(root, key)) {
                catalog.setting(key).flatMap(setting -> checkFile(root, setting)).ifPresent(problems::add);
            }
        }
        return problems;
    }

    /**
     * Whether the server will read the file {@code key} names: TLS files only with TLS on, a source's file only
     * with that source (a leftover FEED_FILE under the synthetic market stops nothing). When the deciding setting
     * is itself invalid, the file is checked anyway.
     */
    private static boolean read(Config root, String key) {
        try {
            if (key.startsWith(TLS_PREFIX)) {
                return root.getBoolean(TLS_ENABLED_KEY);
            }
            String source = root.getString(FEED_SOURCE_KEY).strip().toLowerCase(Locale.ROOT);
            if (key.startsWith(FILE_SOURCE_PREFIX)) {
                return source.equals("file");
            }
            if (key.startsWith(KAFKA_SOURCE_PREFIX)) {
                return source.equals("kafka");
            }
            return true;
        } catch (ConfigException e) {
            return true;
        }
    }

    private Optional<String> checkDuration(Config root, SettingCatalog.Setting setting, String variable) {
        String raw = env.get(variable);
        // 0 is 0 in any unit.
        if (BARE_NUMBER.matcher(raw).matches() && !variable.endsWith(MILLIS_SUFFIX) && Double.parseDouble(raw) != 0) {
            return Optional.of(messages.problem(setting, "give a unit, e.g. " + raw.strip() + "s"));
        }
        try {
            if (root.getDuration(setting.key()).isNegative()) {
                return Optional.of(messages.problem(setting, "must not be negative"));
            }
        } catch (ConfigException e) {
            return Optional.of(messages.problem(setting, "not a duration (e.g. 500ms, 10s, 1m)"));
        }
        return Optional.empty();
    }

    private Optional<String> checkBoolean(Config root, SettingCatalog.Setting setting) {
        try {
            root.getBoolean(setting.key());
            return Optional.empty();
        } catch (ConfigException e) {
            return Optional.of(messages.problem(setting, "must be true or false"));
        }
    }

    private Optional<String> checkLogLevel(Config root, SettingCatalog.Setting setting) {
        String level = root.hasPath(setting.key()) ? root.getString(setting.key()).strip() : "";
        return LOG_LEVELS.contains(level.toUpperCase(Locale.ROOT)) ? Optional.empty()
                : Optional.of(messages.problem(setting, "must be one of TRACE, DEBUG, INFO, WARN, ERROR or OFF"));
    }

    private Optional<String> checkFile(Config root, SettingCatalog.Setting setting) {
        String name = root.hasPath(setting.key()) ? root.getString(setting.key()).strip() : "";
        if (name.isEmpty() || name.equals(STDIN) && setting.key().equals("tick-storm.feed.file.path")) {
            return Optional.empty();
        }
        String shown = setting.setBy(env).isPresent() ? messages.echo(setting)
                : setting.envVar() + "=" + name;
        try {
            Path file = Path.of(name);
            if (!Files.exists(file)) {
                return Optional.of(shown + ": no such file");
            }
            if (Files.isDirectory(file)) {
                return Optional.of(shown + ": is a directory, not a file");
            }
            if (!Files.isReadable(file)) {
                return Optional.of(shown + ": not readable (permission denied)");
            }
        } catch (InvalidPathException e) {
            return Optional.of(shown + ": not a valid path");
        }
        return Optional.empty();
    }
}
