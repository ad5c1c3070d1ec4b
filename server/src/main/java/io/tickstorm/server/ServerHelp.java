package io.tickstorm.server;

import io.tickstorm.server.config.SettingCatalog;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The server's {@code --help}: usage, then every environment variable with its default and meaning, read from
 * reference.conf through {@link SettingCatalog} so that the table cannot drift from what the server reads.
 */
final class ServerHelp {

    static final String USAGE = """
            usage: java -jar tick-storm-server.jar                  run the server, configured by environment variables
                   java -jar tick-storm-server.jar --help           print this help
                   java -jar tick-storm-server.jar --version        print the version
                   java -jar tick-storm-server.jar hash-password [--user NAME] [--bcrypt]
                   java -jar tick-storm-server.jar publish --bootstrap-servers HOST:PORT [--topic ticks]
                       [--format protobuf|json] [--rate N] [--retime] [--properties FILE] [FILE|-]""";

    private static final int WIDTH = 120;
    private static final int MIN_NAME_COLUMN = 24;
    private static final int DEFAULT_COLUMN = 16;

    private ServerHelp() {
    }

    static void print(PrintStream out, SettingCatalog catalog) {
        out.println(USAGE);
        out.println();
        out.println("""
                Configuration: environment variables, each overriding a key of reference.conf.
                Durations take a unit (500ms, 10s, 1m, 7d); the *_MS variables also take a bare number of milliseconds.
                Sizes take 64KiB, 4MiB or a number of bytes. Invalid values stop startup, naming the variable.""");
        out.println();
        List<String[]> rows = new ArrayList<>();
        int nameColumn = MIN_NAME_COLUMN;
        for (SettingCatalog.Setting setting : catalog.settings()) {
            String name = String.join(" / ", setting.envVars());
            String value = setting.defaultValue().isEmpty() ? "(none)" : setting.defaultValue();
            rows.add(new String[] {name, value, setting.meaning()});
            nameColumn = Math.max(nameColumn, name.length() + 2);
        }
        out.println(pad("VARIABLE", nameColumn) + pad("DEFAULT", DEFAULT_COLUMN) + "MEANING");
        for (String[] row : rows) {
            String head = pad(row[0], nameColumn) + row[1];
            int indent = nameColumn + DEFAULT_COLUMN;
            List<String> lines = wrap(row[2], WIDTH - indent);
            if (head.length() + 2 > indent) {
                // A long default gets its own line; the meaning starts under the meaning column.
                out.println(head);
                head = "";
            }
            for (String line : lines) {
                out.println(pad(head, indent) + line);
                head = "";
            }
            if (lines.isEmpty()) {
                out.println(head);
            }
        }
    }

    private static String pad(String text, int width) {
        return text.length() >= width ? text : text + " ".repeat(width - text.length());
    }

    private static List<String> wrap(String text, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split("\\s+")) {
            if (word.isEmpty()) {
                continue;
            }
            if (line.length() > 0 && line.length() + 1 + word.length() > width) {
                lines.add(line.toString());
                line.setLength(0);
            }
            line.append(line.length() > 0 ? " " : "").append(word);
        }
        if (line.length() > 0) {
            lines.add(line.toString());
        }
        return lines;
    }
}
