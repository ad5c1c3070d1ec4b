package io.tickstorm.server.config;

import com.typesafe.config.Config;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every setting of the server, read from the {@code reference.conf} files themselves (the server's and the limits
 * module's, or the one the shaded jar concatenates): its key, its default, the environment variables that override
 * it ({@code key = ${?VAR}}) and its meaning (the comment above it). That file is the one source of truth for
 * {@code --help}, the startup's effective-configuration line and configuration error messages, which name the
 * variable an operator set rather than the HOCON key.
 *
 * <p>The reader understands the subset of HOCON the reference files use: {@code name {} blocks (dotted names
 * allowed), {@code key = value} lines, {@code key = ${?VAR}} overrides and {@code #} comments. A setting's meaning is
 * the comment block directly above its first line.
 */
public final class SettingCatalog {

    private static final String RESOURCE = "reference.conf";
    private static final String ROOT = "tick-storm";
    private static final Pattern BLOCK = Pattern.compile("^([A-Za-z0-9._-]+)\\s*\\{\\s*$");
    private static final Pattern ASSIGNMENT = Pattern.compile("^([A-Za-z0-9_-]+)\\s*=\\s*(.*?)\\s*$");
    private static final Pattern OVERRIDE = Pattern.compile("^\\$\\{\\?([A-Za-z0-9_]+)}$");
    private static final Pattern DURATION_LITERAL = Pattern.compile("^\\d+(\\.\\d+)?\\s*(ns|us|ms|s|m|h|d)$");

    /** What a setting's default says about the values it takes; only durations and booleans are told apart. */
    public enum Kind { DURATION, BOOLEAN, OTHER }

    /**
     * One setting.
     *
     * @param key          full HOCON path, e.g. {@code tick-storm.auth.block-duration}
     * @param defaultValue the default as written in reference.conf (quotes removed)
     * @param envVars      the variables that override it, in file order (a later one wins when several are set)
     * @param meaning      the comment above it, one line
     * @param kind         inferred from the default
     */
    public record Setting(String key, String defaultValue, List<String> envVars, String meaning, Kind kind) {

        /** The variable shown for this setting: its first. */
        public String envVar() {
            return envVars.isEmpty() ? key : envVars.get(0);
        }

        /** A password or other secret: never logged or echoed. */
        public boolean secret() {
            String name = key.substring(key.lastIndexOf('.') + 1);
            return name.contains("password") || name.contains("secret");
        }

        /** The variable that sets it in {@code env}: the last one set, as HOCON applies them in order. */
        public Optional<String> setBy(Map<String, String> env) {
            for (int i = envVars.size() - 1; i >= 0; i--) {
                if (env.containsKey(envVars.get(i))) {
                    return Optional.of(envVars.get(i));
                }
            }
            return Optional.empty();
        }
    }

    private final Map<String, Setting> byKey;

    private SettingCatalog(Map<String, Setting> byKey) {
        this.byKey = Collections.unmodifiableMap(byKey);
    }

    /** Reads every {@code reference.conf} on the class path that configures {@code tick-storm}. */
    public static SettingCatalog load() {
        List<String> texts = new ArrayList<>();
        try {
            Enumeration<URL> resources = SettingCatalog.class.getClassLoader().getResources(RESOURCE);
            while (resources.hasMoreElements()) {
                try (InputStream in = resources.nextElement().openStream()) {
                    texts.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
        return parse(texts);
    }

    /** Reads the given reference.conf texts. */
    static SettingCatalog parse(List<String> texts) {
        Map<String, Setting> settings = new LinkedHashMap<>();
        for (String text : texts) {
            parseInto(text, settings);
        }
        return new SettingCatalog(settings);
    }

    private static void parseInto(String text, Map<String, Setting> settings) {
        Deque<String> path = new ArrayDeque<>();
        StringBuilder comment = new StringBuilder();
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (line.startsWith("#")) {
                comment.append(comment.length() > 0 ? " " : "").append(line.substring(1).strip());
                continue;
            }
            Matcher block = BLOCK.matcher(line);
            Matcher assignment = ASSIGNMENT.matcher(line);
            if (line.isEmpty() || line.equals("}") || block.matches()) {
                if (line.equals("}") && !path.isEmpty()) {
                    path.removeLast();
                } else if (block.matches()) {
                    path.addLast(block.group(1));
                }
                comment.setLength(0);
            } else if (assignment.matches() && !path.isEmpty() && isOurs(path)) {
                String key = String.join(".", path) + "." + assignment.group(1);
                Matcher override = OVERRIDE.matcher(assignment.group(2));
                Setting existing = settings.get(key);
                if (override.matches() && existing != null) {
                    List<String> vars = new ArrayList<>(existing.envVars());
                    vars.add(override.group(1));
                    settings.put(key, new Setting(key, existing.defaultValue(), List.copyOf(vars), existing.meaning(),
                            existing.kind()));
                } else if (!override.matches()) {
                    String value = unquote(assignment.group(2));
                    settings.put(key, new Setting(key, value, List.of(), comment.toString(), kindOf(value)));
                }
                comment.setLength(0);
            }
        }
    }

    private static boolean isOurs(Deque<String> path) {
        String first = path.peekFirst();
        return first.equals(ROOT) || first.startsWith(ROOT + ".");
    }

    private static String unquote(String value) {
        return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
                ? value.substring(1, value.length() - 1) : value;
    }

    private static Kind kindOf(String defaultValue) {
        if (defaultValue.equals("true") || defaultValue.equals("false")) {
            return Kind.BOOLEAN;
        }
        return DURATION_LITERAL.matcher(defaultValue).matches() ? Kind.DURATION : Kind.OTHER;
    }

    /** Every setting, in file order. */
    public List<Setting> settings() {
        return List.copyOf(byKey.values());
    }

    public Optional<Setting> setting(String key) {
        return Optional.ofNullable(byKey.get(key));
    }

    /**
     * Every setting's value in {@code root}, as given (a duration as written, "10s"), keyed by its variable, in file
     * order: the startup's "Effective configuration" line. Secrets show as {@link ConfigErrorMessages#MASK} when set.
     */
    public Map<String, Object> effectiveValues(Config root) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (Setting setting : byKey.values()) {
            Object value = root.hasPath(setting.key()) ? root.getValue(setting.key()).unwrapped() : "";
            if (setting.secret() && !String.valueOf(value).isEmpty()) {
                value = ConfigErrorMessages.MASK;
            }
            values.put(setting.envVar(), value);
        }
        return values;
    }
}
