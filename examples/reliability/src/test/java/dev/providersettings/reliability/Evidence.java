package dev.providersettings.reliability;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the secret-hygiene suite searches: every secret value any suite used, and every exception message and
 * {@code toString} the suites met. Suites register secrets as they create them and record every exception they catch.
 *
 * <p>Searching is fast for any volume of text because secrets come in two shapes: UUIDs (Scaleway secret keys, and
 * test secrets built around a UUID), found by scanning the text for UUID-shaped tokens and looking each up in a set;
 * and a few other strings (AES key material, odd values of the bad-input table), searched with {@code contains}.
 */
final class Evidence {
    private static final Pattern UUID_TOKEN =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    /** Bound on the distinct texts kept (messages repeat: thousands of identical fault errors are one text). */
    private static final int MAX_TEXTS = 200_000;

    private static final Set<String> UUID_SECRETS = ConcurrentHashMap.newKeySet();
    private static final Set<String> OTHER_SECRETS = ConcurrentHashMap.newKeySet();
    private static final Set<String> TEXTS = ConcurrentHashMap.newKeySet();
    private static final AtomicLong TEXTS_SEEN = new AtomicLong();

    private Evidence() {
    }

    /** Registers a secret value (returns it, for inline use). */
    static String secret(String value) {
        Matcher m = UUID_TOKEN.matcher(value);
        boolean any = false;
        while (m.find()) {
            UUID_SECRETS.add(m.group().toLowerCase(Locale.ROOT));
            any = true;
        }
        if (!any) {
            OTHER_SECRETS.add(value);
        }
        return value;
    }

    /** Records a text that could leak a secret (a message, a toString, an HTTP answer). */
    static void text(String text) {
        TEXTS_SEEN.incrementAndGet();
        if (text != null && TEXTS.size() < MAX_TEXTS) {
            TEXTS.add(text);
        }
    }

    /** Records an exception's toString and the messages of its whole cause chain. */
    static void exception(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            text(t.toString());
            text(t.getMessage());
            for (Throwable suppressed : t.getSuppressed()) {
                text(suppressed.toString());
            }
        }
    }

    static int secretCount() {
        return UUID_SECRETS.size() + OTHER_SECRETS.size();
    }

    static long textsSeen() {
        return TEXTS_SEEN.get();
    }

    static List<String> texts() {
        return new ArrayList<>(TEXTS);
    }

    /** Where secrets occur in a text: one description per occurrence, never the secret itself. */
    static List<String> occurrences(String where, CharSequence text) {
        List<String> found = new ArrayList<>();
        Matcher m = UUID_TOKEN.matcher(text);
        while (m.find()) {
            if (UUID_SECRETS.contains(m.group().toLowerCase(Locale.ROOT))) {
                found.add(where + " at offset " + m.start() + " (a registered UUID secret)");
            }
        }
        String s = text.toString();
        for (String secret : OTHER_SECRETS) {
            int at = s.indexOf(secret);
            while (at >= 0) {
                found.add(where + " at offset " + at + " (a registered secret of " + secret.length() + " chars)");
                at = s.indexOf(secret, at + 1);
            }
        }
        return found;
    }
}
