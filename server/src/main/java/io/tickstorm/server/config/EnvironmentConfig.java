package io.tickstorm.server.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigResolveOptions;
import java.util.HashMap;
import java.util.Map;

/**
 * Loads the configuration as {@code ConfigFactory.load()} does (system properties over application.conf over every
 * reference.conf) but resolves the {@code ${?VAR}} overrides against a given environment rather than the process's,
 * so that tests can set variables as an operator does.
 */
public final class EnvironmentConfig {

    private EnvironmentConfig() {
    }

    /**
     * @param env the environment, {@code System.getenv()} in production
     * @throws com.typesafe.config.ConfigException if a file cannot be parsed
     */
    public static Config load(Map<String, String> env) {
        Config unresolved = ConfigFactory.defaultOverrides()
                .withFallback(ConfigFactory.parseResourcesAnySyntax("application"))
                .withFallback(ConfigFactory.parseResources("reference.conf"));
        // Only plain names: a variable such as "a.b" would be read as a path; none of ours has a dot.
        Map<String, String> variables = new HashMap<>();
        env.forEach((name, value) -> {
            if (name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                variables.put(name, value);
            }
        });
        // The variables become top-level keys of the tree, where ${?VAR} finds them (resolveWith with a separate
        // source fails on keys set twice, as reference.conf does for every override).
        return unresolved.withFallback(ConfigFactory.parseMap(variables, "environment variables"))
                .resolve(ConfigResolveOptions.defaults().setUseSystemEnvironment(false));
    }
}
