package dev.providersettings.internal;

import dev.providersettings.OrganizationId;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Invalidation epochs: a striped one per organization (a key or an organization was invalidated) and a global one
 * (everything was). A load reads both before it reads the store and publishes only if neither changed; an
 * invalidation changes its epoch before it removes the entry, so a load that started before it is never published
 * as fresh.
 */
final class Epochs {
    private static final int STRIPES = 1024;

    private final AtomicLongArray stripes = new AtomicLongArray(STRIPES);
    private final AtomicLong global = new AtomicLong();

    /** The stripe of an organization's epoch. */
    static int stripe(OrganizationId organization) {
        int h = organization.hashCode();
        return (h ^ (h >>> 16)) & (STRIPES - 1);
    }

    long stripeEpoch(int stripe) {
        return stripes.get(stripe);
    }

    long stripeEpoch(OrganizationId organization) {
        return stripes.get(stripe(organization));
    }

    long global() {
        return global.get();
    }

    /** Marks every load of the organization that is in flight now as raced. */
    void invalidate(OrganizationId organization) {
        stripes.incrementAndGet(stripe(organization));
    }

    /** Marks every load in flight now as raced; returns the new global epoch. */
    long invalidateAll() {
        return global.incrementAndGet();
    }
}
