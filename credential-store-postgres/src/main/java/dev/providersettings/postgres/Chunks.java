package dev.providersettings.postgres;

import dev.providersettings.OrganizationId;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Splits work into bounded statements. */
final class Chunks {
    /** Organizations per array-parameter query. */
    static final int ORGANIZATIONS_PER_QUERY = 5000;
    /** Rows per bulk statement (arrays bound as single parameters; the bound keeps each statement's memory modest). */
    static final int ROWS_PER_STATEMENT = 10_000;

    private Chunks() {
    }

    /** Consecutive views of at most {@code size} elements. */
    static <T> List<List<T>> of(List<T> list, int size) {
        List<List<T>> chunks = new ArrayList<>();
        for (int i = 0; i < list.size(); i += size) {
            chunks.add(list.subList(i, Math.min(list.size(), i + size)));
        }
        return chunks;
    }

    /** The organizations' ids, for an array parameter. */
    static UUID[] uuids(List<OrganizationId> organizations) {
        return organizations.stream().map(OrganizationId::value).toArray(UUID[]::new);
    }
}
