package io.tickstorm.server.admission;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Allow and block lists of {@link CidrBlock}s. The blocklist wins; a non-empty allowlist admits only its blocks;
 * both empty admit everyone. Immutable and safe to share between event loops.
 */
public final class IpFilter {

    /** The verdict for one peer address. */
    public enum Verdict {
        /** Neither list objects. */
        ALLOWED,
        /** On the blocklist. */
        BLOCKLISTED,
        /** The allowlist is not empty and does not contain the address. */
        NOT_ALLOWLISTED
    }

    /** Admits everyone. */
    public static final IpFilter OPEN = new IpFilter(List.of(), List.of());

    private final List<CidrBlock> allowlist;
    private final List<CidrBlock> blocklist;

    public IpFilter(List<CidrBlock> allowlist, List<CidrBlock> blocklist) {
        this.allowlist = List.copyOf(allowlist);
        this.blocklist = List.copyOf(blocklist);
    }

    /**
     * Parses comma-separated lists, as {@code IP_ALLOWLIST} and {@code IP_BLOCKLIST} give them; blank entries are
     * skipped.
     *
     * @throws IllegalArgumentException naming {@code tick-storm.admission.allowlist} or {@code ...blocklist} and
     *                                  the bad entry
     */
    public static IpFilter parse(String allowlist, String blocklist) {
        return new IpFilter(parseList(allowlist, AdmissionConfig.PATH + ".allowlist"),
                parseList(blocklist, AdmissionConfig.PATH + ".blocklist"));
    }

    private static List<CidrBlock> parseList(String text, String key) {
        List<CidrBlock> blocks = new ArrayList<>();
        for (String entry : text.split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            try {
                blocks.add(CidrBlock.parse(entry));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
            }
        }
        return blocks;
    }

    /** Judges one peer address. */
    public Verdict check(InetAddress address) {
        for (CidrBlock block : blocklist) {
            if (block.contains(address)) {
                return Verdict.BLOCKLISTED;
            }
        }
        if (allowlist.isEmpty()) {
            return Verdict.ALLOWED;
        }
        for (CidrBlock block : allowlist) {
            if (block.contains(address)) {
                return Verdict.ALLOWED;
            }
        }
        return Verdict.NOT_ALLOWLISTED;
    }

    /** Whether a non-empty allowlist restricts who may connect. */
    public boolean restricted() {
        return !allowlist.isEmpty();
    }

    public List<CidrBlock> allowlist() {
        return allowlist;
    }

    public List<CidrBlock> blocklist() {
        return blocklist;
    }

    @Override
    public String toString() {
        return "IpFilter[allowlist=" + allowlist + ", blocklist=" + blocklist + "]";
    }
}
