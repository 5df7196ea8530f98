package dev.providersettings;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Seeding stopped because organizations lack required values in the source (and in the store). Nothing was
 * written. Lists each organization and its missing keys; never values.
 */
public class SeedingException extends ProviderSettingsException {
    private static final long serialVersionUID = 1L;
    private final transient Map<OrganizationId, List<String>> missing;

    public SeedingException(ProviderCode provider, Map<OrganizationId, List<String>> missing) {
        super("seeding provider " + provider + " stopped, nothing was written: " + missing.size()
                + " organization(s) lack required values in the secret source: "
                + missing.entrySet().stream().limit(20).map(e -> e.getKey() + " " + e.getValue())
                        .collect(Collectors.joining(", "))
                + (missing.size() > 20 ? ", ..." : "")
                + "; provide the files or environment variables, or seed with Seeder.skipIncomplete() to skip them");
        this.missing = Map.copyOf(missing);
    }

    /** The organizations and their missing required keys. */
    public Map<OrganizationId, List<String>> missing() {
        return missing;
    }
}
