package dev.providersettings.postgres;

import dev.providersettings.OrganizationId;

import java.util.List;

/**
 * The rows an operation may touch under row-level security: one organization's, or all of them (maintenance). The
 * two strings are the values of {@value PostgresMigrations#ORGANIZATION_SETTING} and
 * {@value PostgresMigrations#MAINTENANCE_SETTING} the policies read.
 */
record Scope(String organization, String maintenance) {
    static final Scope MAINTENANCE = new Scope("", "on");

    static Scope of(OrganizationId organization) {
        return new Scope(organization.value().toString(), "off");
    }

    /** One organization's scope, or maintenance for several. */
    static Scope of(List<OrganizationId> organizations) {
        return organizations.size() == 1 ? of(organizations.get(0)) : MAINTENANCE;
    }
}
