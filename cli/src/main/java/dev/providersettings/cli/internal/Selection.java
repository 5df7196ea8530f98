package dev.providersettings.cli.internal;

import dev.providersettings.OrganizationId;
import dev.providersettings.ProviderCode;
import dev.providersettings.ProviderRegistry;
import dev.providersettings.postgres.PostgresCredentialStore;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Turns {@code --org} and {@code --provider} options into checked ids: the named ones, or all. */
final class Selection {
    private Selection() {
    }

    /** The named organizations (parsed, de-duplicated, checked to exist), or every organization when none is named. */
    static List<OrganizationId> organizations(List<String> named, PostgresCredentialStore store) {
        if (named == null || named.isEmpty()) {
            return store.listOrganizations();
        }
        Set<OrganizationId> ids = new LinkedHashSet<>();
        for (String text : named) {
            ids.add(OrganizationId.parse(text));
        }
        List<OrganizationId> result = new ArrayList<>(ids);
        Set<OrganizationId> known = new java.util.HashSet<>(store.listOrganizations());
        List<OrganizationId> unknown = result.stream().filter(id -> !known.contains(id)).toList();
        if (!unknown.isEmpty()) {
            throw CliException.usage("unknown organization(s) " + unknown + ": they are not in the organizations "
                    + "table; check the id, or --organizations-table");
        }
        return result;
    }

    /** The named providers (checked to be registered), or every registered provider. */
    static List<ProviderCode> providers(List<String> named, ProviderRegistry registry) {
        if (named == null || named.isEmpty()) {
            return new ArrayList<>(registry.codes());
        }
        Set<ProviderCode> codes = new LinkedHashSet<>();
        for (String text : named) {
            codes.add(registry.factory(text).code());
        }
        return new ArrayList<>(codes);
    }
}
