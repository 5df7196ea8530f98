package dev.providersettings.scaleway;

import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * The lazy result of a list call: nothing is fetched until it is iterated, and the next page is fetched only when
 * the previous one is used up. Each iteration starts again from page 1 (fresh data). Iterating is not thread-safe;
 * create one iterator per thread.
 *
 * <p>Paging stops when the total announced by the API is reached, when a page is empty, or when a page is shorter
 * than the page size (if the API sent no total).
 */
public final class Paginated<T> implements Iterable<T> {
    private final IntFunction<Page<T>> fetch;
    private final int pageSize;

    /**
     * @param fetch    fetches page {@code n} (from 1)
     * @param pageSize the page size requested, to detect the last page when no total is sent
     */
    public Paginated(IntFunction<Page<T>> fetch, int pageSize) {
        this.fetch = fetch;
        this.pageSize = pageSize;
    }

    /** Fetches one page (from 1). */
    public Page<T> page(int number) {
        if (number < 1) {
            throw ScalewayClientException.invalidRequest("page number " + number + " is invalid: pages start at 1");
        }
        return fetch.apply(number);
    }

    /** The total announced by the API on the first page, or -1 if it sent none (fetches page 1). */
    public long totalCount() {
        return page(1).totalCount();
    }

    /** Every item, fetching pages as the stream advances. */
    public Stream<T> stream() {
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(iterator(), Spliterator.ORDERED), false);
    }

    /** Every item of every page, in a list (fetches all pages now). */
    public List<T> toList() {
        return stream().toList();
    }

    @Override
    public Iterator<T> iterator() {
        return new Iterator<>() {
            private Page<T> current;
            private int index;
            private long seen;
            private boolean exhausted;

            @Override
            public boolean hasNext() {
                while (!exhausted && (current == null || index >= current.items().size())) {
                    if (current != null && isLast(current)) {
                        exhausted = true;
                        break;
                    }
                    current = fetch.apply(current == null ? 1 : current.number() + 1);
                    index = 0;
                    if (current.items().isEmpty()) {
                        exhausted = true;
                    }
                }
                return !exhausted;
            }

            private boolean isLast(Page<T> page) {
                if (page.totalCount() >= 0) {
                    return seen >= page.totalCount();
                }
                return page.items().size() < pageSize;
            }

            @Override
            public T next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                seen++;
                return current.items().get(index++);
            }
        };
    }
}
