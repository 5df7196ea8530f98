package dev.providersettings.scaleway;

import java.time.Instant;

/**
 * The task a server action returns ({@code 202 {"task":{...}}}).
 *
 * @param status {@code pending}, {@code started}, {@code success}, {@code failure}, {@code retry}
 */
public record Task(String id, String description, String status, String hrefFrom, String hrefResult,
                   Instant startedAt, Instant terminatedAt, Integer progress, String zone) {
}
