package dev.providersettings.spring;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static dev.providersettings.spring.PropertyChecks.invalid;

/**
 * Seeding on start-up: for each provider, writes the credentials found in the sources to every organization (or
 * the listed ones), writing only what changed. All of an organization's settings come from one source: its own
 * sub-directory of the per-organization directory when it has one, else the shared directories and the
 * environment together (a file wins over a variable).
 */
public class SeedingProperties {
    /** Whether credentials are seeded when the application starts. */
    private boolean enabled;
    /** The providers to seed, by code. */
    private List<String> providers = new ArrayList<>(List.of("scaleway"));
    /** A directory with one sub-directory per organization uuid holding that organization's files. */
    private Path perOrganizationDirectory;
    /** Directories of secret files shared by all organizations, e.g. /run/secrets (file scaleway_secret_key, ...). */
    private List<Path> directories = new ArrayList<>();
    /** Whether environment variables (SCALEWAY_SECRET_KEY, ...) are a source. */
    private boolean environment = true;
    /** The organizations to seed; every organization of the organizations table when empty. */
    private List<UUID> organizations = new ArrayList<>();
    /** Whether organizations lacking required values are skipped (and reported) instead of failing start-up. */
    private boolean skipIncomplete;
    /** The actor recorded in the audit trail. */
    private String actor = "provider-settings-spring-boot";

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public List<String> getProviders() {
        return providers;
    }

    public void setProviders(List<String> providers) {
        this.providers = providers;
    }

    public Path getPerOrganizationDirectory() {
        return perOrganizationDirectory;
    }

    public void setPerOrganizationDirectory(Path perOrganizationDirectory) {
        this.perOrganizationDirectory = perOrganizationDirectory;
    }

    public List<Path> getDirectories() {
        return directories;
    }

    public void setDirectories(List<Path> directories) {
        this.directories = directories;
    }

    public boolean isEnvironment() {
        return environment;
    }

    public void setEnvironment(boolean environment) {
        this.environment = environment;
    }

    public List<UUID> getOrganizations() {
        return organizations;
    }

    public void setOrganizations(List<UUID> organizations) {
        this.organizations = organizations;
    }

    public boolean isSkipIncomplete() {
        return skipIncomplete;
    }

    public void setSkipIncomplete(boolean skipIncomplete) {
        this.skipIncomplete = skipIncomplete;
    }

    public String getActor() {
        return actor;
    }

    public void setActor(String actor) {
        this.actor = actor;
    }

    void validate() {
        if (!enabled) {
            return;
        }
        if (providers == null || providers.isEmpty()) {
            throw invalid("seeding.providers", "is empty while seeding is enabled",
                    "list the provider codes to seed, e.g. scaleway");
        }
        if (perOrganizationDirectory == null && (directories == null || directories.isEmpty()) && !environment) {
            throw invalid("seeding.enabled", "is true but no source is configured",
                    "set seeding.per-organization-directory or seeding.directories, or enable seeding.environment");
        }
        if (actor == null || actor.isBlank()) {
            throw invalid("seeding.actor", "is blank", "name who seeds in the audit trail, e.g. deploy");
        }
    }
}
