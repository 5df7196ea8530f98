package dev.providersettings.internal;

import java.util.Optional;

/**
 * A small strict JSON syntax checker (RFC 8259): one value, no comments, no trailing commas, no leading zeros, no
 * unescaped control characters in strings, nesting at most {@link #MAX_DEPTH}. It only answers "is this JSON" so
 * that core does not need a JSON library; the message gives the position, never the text.
 */
public final class JsonSyntax {
    /** Deeper nesting is rejected, so hostile input cannot exhaust the stack. */
    public static final int MAX_DEPTH = 64;

    private final String text;
    private int pos;

    private JsonSyntax(String text) {
        this.text = text;
    }

    /** The syntax problem of {@code text}, or empty if it is one valid JSON value. */
    public static Optional<String> problem(String text) {
        if (text == null) {
            return Optional.of("is null");
        }
        JsonSyntax parser = new JsonSyntax(text);
        try {
            parser.skipWhitespace();
            parser.value(0);
            parser.skipWhitespace();
            if (parser.pos != text.length()) {
                throw parser.error("unexpected content after the JSON value");
            }
            return Optional.empty();
        } catch (SyntaxError e) {
            return Optional.of(e.getMessage());
        }
    }

    private static final class SyntaxError extends Exception {
        private static final long serialVersionUID = 1L;

        SyntaxError(String message) {
            super(message, null, false, false);
        }
    }

    private SyntaxError error(String what) {
        return new SyntaxError("is not valid JSON: " + what + " at character " + (pos + 1));
    }

    private void value(int depth) throws SyntaxError {
        if (depth > MAX_DEPTH) {
            throw error("nesting deeper than " + MAX_DEPTH);
        }
        if (pos >= text.length()) {
            throw error("unexpected end");
        }
        char c = text.charAt(pos);
        switch (c) {
            case '{' -> object(depth);
            case '[' -> array(depth);
            case '"' -> string();
            case 't' -> literal("true");
            case 'f' -> literal("false");
            case 'n' -> literal("null");
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    number();
                } else {
                    throw error("unexpected character");
                }
            }
        }
    }

    private void object(int depth) throws SyntaxError {
        if (opensEmpty('}')) {
            return;
        }
        do {
            skipWhitespace();
            if (peek() != '"') {
                throw error("expected a string key");
            }
            string();
            skipWhitespace();
            expect(':');
            skipWhitespace();
            value(depth + 1);
        } while (!closesAfterMember('}'));
    }

    private void array(int depth) throws SyntaxError {
        if (opensEmpty(']')) {
            return;
        }
        do {
            skipWhitespace();
            value(depth + 1);
        } while (!closesAfterMember(']'));
    }

    /** Consumes the opening character; true (and consumes {@code close}) when the object or array is empty. */
    private boolean opensEmpty(char close) {
        pos++;
        skipWhitespace();
        if (peek() == close) {
            pos++;
            return true;
        }
        return false;
    }

    /** After a member or element: false after a comma (another follows), true after {@code close}; both consumed. */
    private boolean closesAfterMember(char close) throws SyntaxError {
        skipWhitespace();
        char c = peek();
        if (c == ',') {
            pos++;
            return false;
        }
        if (c == close) {
            pos++;
            return true;
        }
        throw error("expected ',' or '" + close + "'");
    }

    private void string() throws SyntaxError {
        pos++;
        while (pos < text.length()) {
            char c = text.charAt(pos++);
            if (c == '"') {
                return;
            }
            if (c < 0x20) {
                pos--;
                throw error("unescaped control character in a string");
            }
            if (c == '\\') {
                if (pos >= text.length()) {
                    break;
                }
                char e = text.charAt(pos++);
                if (e == 'u') {
                    for (int i = 0; i < 4; i++) {
                        if (pos >= text.length() || Character.digit(text.charAt(pos), 16) < 0) {
                            throw error("bad \\u escape");
                        }
                        pos++;
                    }
                } else if ("\"\\/bfnrt".indexOf(e) < 0) {
                    pos--;
                    throw error("bad escape");
                }
            }
        }
        throw error("unterminated string");
    }

    private void number() throws SyntaxError {
        if (peek() == '-') {
            pos++;
        }
        if (peek() == '0') {
            pos++;
        } else if (isDigit(peek())) {
            digits();
        } else {
            throw error("expected a digit");
        }
        if (peek() == '.') {
            pos++;
            if (!isDigit(peek())) {
                throw error("expected a digit after '.'");
            }
            digits();
        }
        if (peek() == 'e' || peek() == 'E') {
            pos++;
            if (peek() == '+' || peek() == '-') {
                pos++;
            }
            if (!isDigit(peek())) {
                throw error("expected a digit in the exponent");
            }
            digits();
        }
    }

    private void digits() {
        while (isDigit(peek())) {
            pos++;
        }
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private void literal(String word) throws SyntaxError {
        if (!text.startsWith(word, pos)) {
            throw error("unexpected word");
        }
        pos += word.length();
    }

    private void expect(char c) throws SyntaxError {
        if (peek() != c) {
            throw error("expected '" + c + "'");
        }
        pos++;
    }

    private char peek() {
        return pos < text.length() ? text.charAt(pos) : '\0';
    }

    private void skipWhitespace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                pos++;
            } else {
                return;
            }
        }
    }
}
