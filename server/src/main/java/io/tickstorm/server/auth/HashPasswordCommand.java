package io.tickstorm.server.auth;

import java.io.ByteArrayOutputStream;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * {@code java -jar tick-storm-server.jar hash-password [--bcrypt] [--user NAME]}: prints a hash for the credentials
 * file. The password is read from a terminal without echo (asked twice), or else from the first line of standard
 * input; never from the command line, where it would show in the process list and shell history.
 *
 * <p>The default is Argon2id with m=19456 KiB, t=2, p=1, a 16-byte salt and a 32-byte hash: the OWASP minimum
 * recommendation: 19 MiB and, with BouncyCastle on one core of a small server, roughly 70 ms per verification
 * (so one hash thread checks about 14 logins a second that miss the cache). {@code --bcrypt} gives bcrypt
 * {@code $2b$} with cost 12 instead, roughly 400 ms per verification (and it reads only the first 72 bytes, so
 * longer passwords are refused). {@code --user NAME} prints {@code NAME:hash}, a line ready for the file.
 *
 * <p>Exit status: 0 printed, 1 no usable password, 2 usage error.
 */
public final class HashPasswordCommand {

    /** Exit status when the hash was printed. */
    public static final int OK = 0;
    /** Exit status when the password was empty, unreadable, mismatched or too long for bcrypt. */
    public static final int BAD_PASSWORD = 1;
    /** Exit status for unknown options or a bad user name. */
    public static final int USAGE = 2;

    private static final String USAGE_TEXT = "usage: hash-password [--bcrypt] [--user NAME]\n"
            + "  Reads the password from the terminal (no echo) or the first line of standard input and prints\n"
            + "  an Argon2id hash (m=19456,t=2,p=1), or a bcrypt hash (cost 12) with --bcrypt.\n"
            + "  --user NAME prints NAME:hash, a line for the credentials file.";

    private HashPasswordCommand() {
    }

    /**
     * Runs the command. A terminal is used for the password only when {@code in} is {@link System#in} and the JVM
     * has a console.
     *
     * @return the exit status
     */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        return run(args, in == System.in ? System.console() : null, in, out, err);
    }

    static int run(String[] args, Console console, InputStream in, PrintStream out, PrintStream err) {
        boolean bcrypt = false;
        String user = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--bcrypt" -> bcrypt = true;
                case "--user" -> {
                    if (i + 1 == args.length) {
                        err.println("--user needs a name\n" + USAGE_TEXT);
                        return USAGE;
                    }
                    user = args[++i];
                }
                case "-h", "--help" -> {
                    out.println(USAGE_TEXT);
                    return OK;
                }
                default -> {
                    err.println("unknown argument: " + args[i] + "\n" + USAGE_TEXT);
                    return USAGE;
                }
            }
        }
        if (user != null && (user.isEmpty() || user.indexOf(':') >= 0 || user.startsWith("#")
                || user.chars().anyMatch(Character::isWhitespace))) {
            err.println("--user: a name must be non-empty, without ':' or whitespace, and not start with '#'");
            return USAGE;
        }
        byte[] password = console != null ? fromConsole(console, err) : fromStream(in, err);
        if (password == null) {
            return BAD_PASSWORD;
        }
        try {
            if (password.length == 0) {
                err.println("empty password: empty passwords never authenticate");
                return BAD_PASSWORD;
            }
            if (bcrypt && password.length > BcryptHash.MAX_PASSWORD_BYTES) {
                err.println("bcrypt uses only the first " + BcryptHash.MAX_PASSWORD_BYTES
                        + " bytes of a password; use Argon2id (omit --bcrypt) for longer ones");
                return BAD_PASSWORD;
            }
            SecureRandom random = new SecureRandom();
            PasswordHash hash = bcrypt
                    ? BcryptHash.create(password, BcryptHash.DEFAULT_COST, random)
                    : Argon2idHash.create(password, Argon2idHash.DEFAULT_MEMORY_KIB, Argon2idHash.DEFAULT_ITERATIONS,
                            Argon2idHash.DEFAULT_PARALLELISM, random);
            out.println(user == null ? hash.encoded() : user + ":" + hash.encoded());
            return OK;
        } finally {
            Arrays.fill(password, (byte) 0);
        }
    }

    private static byte[] fromConsole(Console console, PrintStream err) {
        char[] first = console.readPassword("Password: ");
        char[] second = first == null ? null : console.readPassword("Repeat password: ");
        try {
            if (first == null || second == null) {
                err.println("no password read");
                return null;
            }
            if (!Arrays.equals(first, second)) {
                err.println("the passwords do not match");
                return null;
            }
            ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(first));
            byte[] bytes = new byte[encoded.remaining()];
            encoded.get(bytes);
            return bytes;
        } finally {
            if (first != null) {
                Arrays.fill(first, '\0');
            }
            if (second != null) {
                Arrays.fill(second, '\0');
            }
        }
    }

    /** The first line of {@code in}, without its line terminator ({@code \n} or {@code \r\n}). */
    private static byte[] fromStream(InputStream in, PrintStream err) {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        try {
            int b;
            while ((b = in.read()) != -1 && b != '\n') {
                line.write(b);
            }
        } catch (IOException e) {
            err.println("cannot read the password from standard input: " + e.getMessage());
            return null;
        }
        byte[] bytes = line.toByteArray();
        int length = bytes.length;
        if (length > 0 && bytes[length - 1] == '\r') {
            length--;
        }
        return Arrays.copyOf(bytes, length);
    }
}
