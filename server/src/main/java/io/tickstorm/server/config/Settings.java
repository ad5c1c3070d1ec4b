package io.tickstorm.server.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.time.Duration;

/**
 * Typed reads of single settings that turn Typesafe Config's exceptions into messages naming the key and the value
 * found, so that a bad environment variable stops startup with a line the operator can act on.
 */
public final class Settings {

    private Settings() {
    }

    public static String string(Config root, String key) {
        try {
            return root.getString(key).trim();
        } catch (ConfigException e) {
            throw invalid(key, e, "expected a string");
        }
    }

    public static boolean bool(Config root, String key) {
        try {
            return root.getBoolean(key);
        } catch (ConfigException e) {
            throw invalid(key, e, "expected true or false");
        }
    }

    public static int integer(Config root, String key) {
        try {
            return root.getInt(key);
        } catch (ConfigException e) {
            throw invalid(key, e, "expected a whole number");
        }
    }

    public static long longValue(Config root, String key) {
        try {
            return root.getLong(key);
        } catch (ConfigException e) {
            throw invalid(key, e, "expected a whole number");
        }
    }

    public static Duration duration(Config root, String key) {
        try {
            return root.getDuration(key);
        } catch (ConfigException e) {
            throw invalid(key, e, "expected a duration (e.g. 500ms, 10s, 1m)");
        }
    }

    public static long bytes(Config root, String key) {
        try {
            return root.getBytes(key);
        } catch (ConfigException e) {
            throw invalid(key, e, "expected a size (e.g. 65536, 64KiB, 4MiB)");
        }
    }

    public static int intBytes(Config root, String key) {
        long value = bytes(root, key);
        if (value > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(key + ": " + value + " bytes is too large (max " + Integer.MAX_VALUE + ")");
        }
        return (int) value;
    }

    public static void requirePositive(String key, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(key + " must be a positive duration, got " + value);
        }
    }

    public static void requireNonNegative(String key, Duration value) {
        if (value == null || value.isNegative()) {
            throw new IllegalArgumentException(key + " must not be negative, got " + value);
        }
    }

    private static IllegalArgumentException invalid(String key, ConfigException e, String expected) {
        // Typesafe's own message names Java types and where the value came from; the cause keeps it for a debugger,
        // and ConfigErrorMessages turns the key into the variable the operator set.
        return new IllegalArgumentException(key + ": " + expected, e);
    }
}
