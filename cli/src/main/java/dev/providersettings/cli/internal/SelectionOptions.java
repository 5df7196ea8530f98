package dev.providersettings.cli.internal;

import dev.providersettings.OrganizationId;
import dev.providersettings.ProviderCode;
import dev.providersettings.ProviderRegistry;
import dev.providersettings.postgres.PostgresCredentialStore;
import picocli.CommandLine.Option;

import java.util.List;

/** Repeatable {@code -o} and {@code -p} of the commands that report on many organizations and providers (a mixin). */
final class SelectionOptions {
    @Option(names = {"-o", "--org"}, paramLabel = "UUID",
            description = "An organization (repeatable; default all the command applies to).")
    List<String> organizations;

    @Option(names = {"-p", "--provider"}, paramLabel = "CODE", description = "A provider (repeatable; default all).")
    List<String> providers;

    /** Whether organizations were named (otherwise the command picks them). */
    boolean namesOrganizations() {
        return organizations != null && !organizations.isEmpty();
    }

    /** See {@link Selection#organizations}. */
    List<OrganizationId> organizations(PostgresCredentialStore store) {
        return Selection.organizations(organizations, store);
    }

    /** See {@link Selection#providers}. */
    List<ProviderCode> providers(ProviderRegistry registry) {
        return Selection.providers(providers, registry);
    }
}
