package io.tickstorm.server.config;

import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Words configuration errors the way the operator set things: by environment variable and the value as typed
 * ({@code SHUTDOWN_GRACE_MS=-5s: must not be negative}), not by HOCON key and Java value ({@code
 * tick-storm.shutdown-grace must not be negative, got PT-5S}). The config records keep naming their keys (they are
 * also built from files and system properties); this maps each key back to its variable through the {@code
 * ${?VAR}} overrides of reference.conf ({@link SettingCatalog}).
 */
public final class ConfigErrorMessages {

    /** Shown instead of a secret's value. */
    public static final String MASK = "***";

    private static final Pattern KEY = Pattern.compile("tick-storm(\\.[a-z0-9-]+)+");
    /** The value a record appends after its reason; the echo of the variable replaces it. */
    private static final Pattern TRAILING_VALUE = Pattern.compile(",? (got|was) [^,;]*$");

    private final SettingCatalog catalog;
    private final Map<String, String> env;

    public ConfigErrorMessages(SettingCatalog catalog, Map<String, String> env) {
        this.catalog = catalog;
        this.env = env;
    }

    /** {@code VAR=value as typed} for a setting set in the environment, else its variable's name. */
    public String echo(SettingCatalog.Setting setting) {
        Optional<String> variable = setting.setBy(env);
        if (variable.isEmpty()) {
            return setting.envVar();
        }
        return variable.get() + "=" + (setting.secret() ? MASK : env.get(variable.get()));
    }

    /** The problem as the operator would say it: {@code VAR=value: what is wrong}. */
    public String problem(SettingCatalog.Setting setting, String what) {
        return echo(setting) + ": " + what;
    }

    /**
     * Rewords a validation message. A message that starts with a key set in the environment becomes {@code
     * VAR=value: rest} (the value the record quoted dropped); every other key it names becomes its variable.
     */
    public String describe(String message) {
        if (message == null) {
            return "invalid configuration";
        }
        Matcher lead = KEY.matcher(message);
        if (lead.lookingAt()) {
            Optional<SettingCatalog.Setting> setting = catalog.setting(lead.group());
            if (setting.isPresent() && setting.get().setBy(env).isPresent()) {
                String rest = message.substring(lead.end());
                if (rest.startsWith(" (")) {
                    int close = rest.indexOf(')');
                    rest = close > 0 ? rest.substring(close + 1) : rest;
                }
                rest = rest.replaceFirst("^[:\\s]+", "");
                rest = TRAILING_VALUE.matcher(rest).replaceFirst("");
                return problem(setting.get(), variables(rest));
            }
        }
        return variables(message);
    }

    private String variables(String message) {
        Matcher keys = KEY.matcher(message);
        StringBuilder out = new StringBuilder();
        while (keys.find()) {
            String name = catalog.setting(keys.group()).map(SettingCatalog.Setting::envVar).orElse(keys.group());
            keys.appendReplacement(out, Matcher.quoteReplacement(name));
        }
        keys.appendTail(out);
        return out.toString();
    }
}
