package dev.providersettings;

import dev.providersettings.exception.ConfigurationException;
import dev.providersettings.internal.NamedSecretSource;

import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Where {@link Seeder} finds a provider's settings for one organization, as text (the seeder converts it to the
 * declared type).
 *
 * <p><b>One source per organization.</b> A chain ({@link #firstOf}) never combines sources: for each organization it
 * picks the first member that {@link #holds holds} any of the provider's settings for it, and the seeder takes all of
 * that organization's settings from that member. If the member lacks a required setting, seeding fails for the
 * organization (naming it, the source and the keys) instead of completing it from the next source: an
 * organization's own secret key must never be paired with a shared project id.
 *
 * <p><b>Errors are loud.</b> A file that exists but cannot be read, is not a regular file, is a link that cannot be
 * resolved, or is empty, and a directory that cannot be searched, throw {@link ConfigurationException}: they never
 * count as "no value here", which would silently hand the organization the next (shared) source's credentials.
 *
 * <p>A lambda implements {@link #lookup}; the defaults of {@link #holds} and {@link #name} then apply.
 */
@FunctionalInterface
public interface SecretSource {

    /**
     * The text value of {@code definition} for {@code organization}, or empty.
     *
     * @throws ConfigurationException if a value exists but cannot be read
     */
    Optional<String> lookup(OrganizationId organization, SettingDefinition definition);

    /**
     * Whether this source provides the organization's settings of a provider whose settings are
     * {@code definitions}; if so, all of them come from here. By default: whether it has a value for any of them.
     * {@link #perOrganizationDirectory} holds an organization as soon as its sub-directory exists, even with files
     * missing (which then fails seeding for it rather than falling back).
     */
    default boolean holds(OrganizationId organization, Collection<SettingDefinition> definitions) {
        for (SettingDefinition definition : definitions) {
            if (lookup(organization, definition).isPresent()) {
                return true;
            }
        }
        return false;
    }

    /**
     * The source that provides this organization's settings: this source if it {@link #holds} them, else empty.
     * A chain returns its first member that holds them. The seeder reads every value from the source returned.
     */
    default Optional<SecretSource> sourceFor(OrganizationId organization, Collection<SettingDefinition> definitions) {
        return holds(organization, definitions) ? Optional.of(this) : Optional.empty();
    }

    /** A short description for reports and messages, never a value (e.g. {@code directory /run/secrets}). */
    default String name() {
        return "custom source";
    }

    /**
     * Files in a directory such as {@code /run/secrets}: the file named by
     * {@link SettingDefinition#secretFileName()} or, when the setting declares none, the key in lower case
     * ({@code SCALEWAY_PROJECT_ID} → {@code scaleway_project_id}); trailing whitespace (the final newline) is removed.
     * The same value for every organization.
     */
    static SecretSource directory(Path directory) {
        Objects.requireNonNull(directory, "directory");
        return new dev.providersettings.internal.DirectorySecretSource(directory, "directory " + directory, false);
    }

    /**
     * One sub-directory per organization: {@code root/<organization uuid>/<file name>} (file names as for
     * {@link #directory}), so organizations get different keys. An organization whose sub-directory exists gets all
     * its settings from it; one without a sub-directory has nothing here (a chain then moves on to its next source).
     */
    static SecretSource perOrganizationDirectory(Path root) {
        Objects.requireNonNull(root, "root");
        return new dev.providersettings.internal.DirectorySecretSource(root, "per-organization directory " + root, true);
    }

    /**
     * Environment variables: the names of {@link SettingDefinition#environmentNames()} in order, then the key itself.
     * Empty variables count as absent.
     */
    static SecretSource environment(Map<String, String> environment) {
        Map<String, String> copy = Map.copyOf(Objects.requireNonNull(environment, "environment"));
        return new NamedSecretSource("environment") {
            @Override
            public Optional<String> lookup(OrganizationId organization, SettingDefinition definition) {
                for (String name : definition.environmentNames()) {
                    String value = copy.get(name);
                    if (value != null && !value.isEmpty()) {
                        return Optional.of(value);
                    }
                }
                String value = copy.get(definition.key());
                return value == null || value.isEmpty() ? Optional.empty() : Optional.of(value);
            }
        };
    }

    /** The environment of this process. */
    static SecretSource environment() {
        return environment(System.getenv());
    }

    /**
     * One source made of several that hold the <em>same</em> settings for every organization, each setting taken from
     * the first member that has it: for shared credentials split between files and environment variables (the secret
     * key in {@code /run/secrets}, the project id in the environment). Seeding treats it as one source, so its
     * members are combined deliberately, never as a fallback; put it after per-organization sources in a
     * {@link #firstOf} chain.
     *
     * @throws ConfigurationException if a member is a {@link #perOrganizationDirectory}: combining an organization's
     *                                own secrets with shared ones is exactly the mix seeding prevents
     */
    static SecretSource merged(SecretSource... sources) {
        List<SecretSource> list = List.of(sources);
        for (SecretSource source : list) {
            if (source instanceof dev.providersettings.internal.DirectorySecretSource d && d.isPerOrganization()) {
                throw new ConfigurationException("SecretSource.merged cannot contain " + source.name()
                        + ": an organization's own settings must not be combined with shared ones; put it first in "
                        + "SecretSource.firstOf(perOrganizationDirectory(...), merged(shared sources...)) instead");
            }
        }
        String name = list.stream().map(SecretSource::name).collect(Collectors.joining(" + "));
        return new NamedSecretSource(name) {
            @Override
            public Optional<String> lookup(OrganizationId organization, SettingDefinition definition) {
                for (SecretSource source : list) {
                    Optional<String> value = source.lookup(organization, definition);
                    if (value.isPresent()) {
                        return value;
                    }
                }
                return Optional.empty();
            }
        };
    }

    /**
     * A chain: for each organization, the first source that {@link #holds} the provider's settings provides all of
     * them (see the class comment). The chain's own {@link #lookup} cannot know the provider, so it refuses: use
     * {@link #sourceFor} and look values up in the source it returns (as {@link Seeder} does).
     */
    static SecretSource firstOf(SecretSource... sources) {
        List<SecretSource> list = List.of(sources);
        String name = "first of [" + list.stream().map(SecretSource::name).collect(Collectors.joining(", ")) + "]";
        return new NamedSecretSource(name) {
            @Override
            public Optional<String> lookup(OrganizationId organization, SettingDefinition definition) {
                throw new ConfigurationException("SecretSource.firstOf picks one source per organization for all of "
                        + "a provider's settings, not one per setting: call sourceFor(organization, definitions) and "
                        + "look the values up in the source it returns");
            }

            @Override
            public Optional<SecretSource> sourceFor(OrganizationId organization, Collection<SettingDefinition> definitions) {
                for (SecretSource source : list) {
                    Optional<SecretSource> chosen = source.sourceFor(organization, definitions);
                    if (chosen.isPresent()) {
                        return chosen;
                    }
                }
                return Optional.empty();
            }

            @Override
            public boolean holds(OrganizationId organization, Collection<SettingDefinition> definitions) {
                return sourceFor(organization, definitions).isPresent();
            }
        };
    }
}
