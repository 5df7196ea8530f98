package dev.providersettings.scaleway;

import java.util.List;

/**
 * One page of a list call.
 *
 * @param number     the page number, from 1
 * @param items      the items of this page
 * @param totalCount the total over all pages ({@code X-Total-Count} or {@code total_count}), or -1 if not sent
 */
public record Page<T>(int number, List<T> items, long totalCount) {
    public Page {
        items = List.copyOf(items);
    }
}
