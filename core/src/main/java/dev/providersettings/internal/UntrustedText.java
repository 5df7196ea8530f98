package dev.providersettings.internal;

/**
 * Makes text that comes from outside the process (a key id read from the database, a line of a file) safe to quote
 * in an exception message or a log line: it cannot break the line, fake the rest of the message, or flood the log.
 * Not API.
 */
public final class UntrustedText {
    /** Longer text is cut to this many characters, followed by its full length. */
    public static final int MAX_CHARACTERS = 40;

    private UntrustedText() {
    }

    /**
     * The text with every character outside printable ASCII, and the quote and backslash, written as a
     * {@code \\uXXXX} escape, cut to {@value #MAX_CHARACTERS} characters (then {@code ...(n chars)}); {@code null}
     * for null. Well-formed key ids ({@code [A-Za-z0-9._-]}) come out unchanged.
     */
    public static String quote(String text) {
        if (text == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_CHARACTERS) + 8);
        int shown = Math.min(text.length(), MAX_CHARACTERS);
        for (int i = 0; i < shown; i++) {
            char c = text.charAt(i);
            if (c >= 0x20 && c < 0x7f && c != '\'' && c != '"' && c != '\\') {
                out.append(c);
            } else {
                out.append(String.format("\\u%04x", (int) c));
            }
        }
        if (text.length() > MAX_CHARACTERS) {
            out.append("...(").append(text.length()).append(" chars)");
        }
        return out.toString();
    }
}
