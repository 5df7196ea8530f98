package dev.providersettings.scaleway.internal;

import dev.providersettings.scaleway.ScalewayClientException;
import dev.providersettings.scaleway.ScalewayProvider;
import dev.providersettings.scaleway.ScalewaySettings;

/**
 * Checks of what callers put into a request (zones, ids, page and volume sizes) before anything is sent. Zones and ids
 * become path segments, so anything else than the API's own alphabet is refused: no {@code ..}, slash or control
 * character reaches a URL. Each failure is a {@link ScalewayClientException} ({@code INVALID_REQUEST}) that says what
 * to pass instead.
 */
public final class Identifiers {

    private Identifiers() {
    }

    /** {@code zone}, or {@code defaultZone} when it is null, once checked to be a zone such as {@code fr-par-1}. */
    public static String zone(String zone, String defaultZone) {
        String z = zone == null ? defaultZone : zone;
        if (!isZone(z)) {
            throw ScalewayClientException.invalidRequest("zone '" + abbreviate(z) + "' is malformed: use a zone such "
                    + "as fr-par-1 (known: " + ScalewaySettings.ZONES + ")");
        }
        return z;
    }

    /** {@code value}, once checked to be an id ({@code what} names it in the message). */
    public static String id(String what, String value) {
        if (value == null || !isId(value)) {
            throw ScalewayClientException.invalidRequest(what + " '" + (value == null ? "null" : abbreviate(value))
                    + "' is malformed: expected an id such as a UUID (letters, digits, '-', '_', '.')");
        }
        return value;
    }

    /** {@code pageSize}, once checked to be 1 to {@link ScalewayProvider#MAX_PAGE_SIZE}. */
    public static int pageSize(int pageSize) {
        if (pageSize < 1 || pageSize > ScalewayProvider.MAX_PAGE_SIZE) {
            throw ScalewayClientException.invalidRequest("page size " + pageSize + " is invalid: use 1 to "
                    + ScalewayProvider.MAX_PAGE_SIZE);
        }
        return pageSize;
    }

    /** Checks a Block Storage volume size: whole GB (10^9 bytes), 1 GB to 10 TB. */
    public static void volumeSize(long bytes) {
        long gb = ScalewayProvider.GB;
        if (bytes < gb || bytes > ScalewayProvider.MAX_VOLUME_BYTES) {
            throw ScalewayClientException.invalidRequest("volume size " + bytes + " bytes is out of range: Block "
                    + "Storage volumes are 1 GB (" + gb + ") to 10 TB (" + ScalewayProvider.MAX_VOLUME_BYTES + " bytes)");
        }
        if (bytes % gb != 0) {
            throw ScalewayClientException.invalidRequest("volume size " + bytes + " bytes is not a whole number of GB: "
                    + "use a multiple of " + gb + " (1 GB = 10^9 bytes), e.g. " + ((bytes / gb) + 1) * gb);
        }
    }

    /** {@code [a-z]{2}-[a-z]{3}-[0-9]{1,2}}, checked without a regex matcher on every call. */
    static boolean isZone(String z) {
        int n = z.length();
        if (n < 8 || n > 9 || z.charAt(2) != '-' || z.charAt(6) != '-') {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = z.charAt(i);
            boolean ok = i < 2 || (i > 2 && i < 6) ? c >= 'a' && c <= 'z' : i == 2 || i == 6 || (c >= '0' && c <= '9');
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** {@code [A-Za-z0-9][A-Za-z0-9._-]{0,127}}, checked without a regex matcher on every call. */
    static boolean isId(String value) {
        int n = value.length();
        if (n < 1 || n > 128) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            boolean alnum = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
            if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '-'))) {
                return false;
            }
        }
        return true;
    }

    private static String abbreviate(String text) {
        String printable = text.replaceAll("\\p{Cntrl}", "?");
        return printable.length() <= 40 ? printable : printable.substring(0, 40) + "...";
    }
}
