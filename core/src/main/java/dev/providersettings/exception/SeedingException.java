package dev.providersettings.exception;

import dev.providersettings.OrganizationId;
import dev.providersettings.ProviderCode;
import dev.providersettings.SeedReport;
import dev.providersettings.Seeder;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Seeding stopped because organizations lack required values in the one source their settings come from (or, with no
 * source, in the store too). Nothing was written. Lists each organization, its source and its missing keys; never
 * values.
 */
public class SeedingException extends ProviderSettingsException {
    private static final long serialVersionUID = 1L;
    private final transient Map<OrganizationId, List<String>> missing;

    /**
     * @param missing the organizations and their missing required keys
     * @param sources the name of each organization's source ({@link SeedReport#NO_SOURCE} if none)
     */
    public SeedingException(ProviderCode provider, Map<OrganizationId, List<String>> missing,
                            Map<OrganizationId, String> sources) {
        super("seeding provider " + provider + " stopped, nothing was written: " + missing.size()
                + " organization(s) lack required values in their source: "
                + missing.entrySet().stream().limit(20).map(e -> e.getKey() + " " + e.getValue() + " (source: "
                        + sources.getOrDefault(e.getKey(), SeedReport.NO_SOURCE) + ")")
                        .collect(Collectors.joining(", "))
                + (missing.size() > 20 ? ", ..." : "")
                + "; an organization gets all of a provider's settings from one source, never some from the next "
                + "one: complete its source (files or environment variables), or remove it so the next source of the "
                + "chain applies, or seed with Seeder.skipIncomplete() to skip these organizations");
        this.missing = Map.copyOf(missing);
    }

    /** The organizations and their missing required keys. */
    public Map<OrganizationId, List<String>> missing() {
        return missing;
    }
}
