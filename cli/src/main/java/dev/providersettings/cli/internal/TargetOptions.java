package dev.providersettings.cli.internal;

import dev.providersettings.OrganizationId;
import picocli.CommandLine.Option;

/** {@code -o} and {@code -p} of the commands that write one organization's settings for one provider (a mixin). */
final class TargetOptions {
    @Option(names = {"-o", "--org"}, required = true, paramLabel = "UUID", description = "The organization.")
    String organization;

    @Option(names = {"-p", "--provider"}, required = true, paramLabel = "CODE",
            description = "The provider, e.g. scaleway.")
    String provider;

    /** The organization, parsed (an invalid id is a usage error). */
    OrganizationId organization() {
        return OrganizationId.parse(organization);
    }
}
