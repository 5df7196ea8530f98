package dev.providersettings;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where {@link Seeder} finds the value of one declared setting for one organization, as text (the seeder converts
 * it to the declared type). Implementations return empty when they have no value; they throw
 * {@link ConfigurationException} when a value exists but cannot be read.
 */
@FunctionalInterface
public interface SecretSource {

    /** The text value of {@code definition} for {@code organization}, or empty. */
    Optional<String> lookup(OrganizationId organization, SettingDefinition definition);

    /**
     * Files in a directory such as {@code /run/secrets}: the file named by
     * {@link SettingDefinition#secretFileName()} or, when the setting declares none, the key in lower case
     * ({@code SCALEWAY_PROJECT_ID} → {@code scaleway_project_id}); trailing whitespace (the final newline) is removed.
     * The same value for every organization.
     */
    static SecretSource directory(Path directory) {
        Objects.requireNonNull(directory, "directory");
        return (organization, definition) -> readFile(directory, definition);
    }

    /**
     * One sub-directory per organization: {@code root/<organization uuid>/<file name>} (file names as for
     * {@link #directory}), so organizations get
     * different keys. An organization without a sub-directory or file has no value here (combine with
     * {@link #firstOf} to fall back to a shared directory explicitly).
     */
    static SecretSource perOrganizationDirectory(Path root) {
        Objects.requireNonNull(root, "root");
        return (organization, definition) -> readFile(root.resolve(organization.value().toString()), definition);
    }

    /**
     * Environment variables: the names of {@link SettingDefinition#environmentNames()} in order, then the key itself.
     * Empty variables count as absent.
     */
    static SecretSource environment(Map<String, String> environment) {
        Map<String, String> copy = Map.copyOf(Objects.requireNonNull(environment, "environment"));
        return (organization, definition) -> {
            for (String name : definition.environmentNames()) {
                String value = copy.get(name);
                if (value != null && !value.isEmpty()) {
                    return Optional.of(value);
                }
            }
            String value = copy.get(definition.key());
            return value == null || value.isEmpty() ? Optional.empty() : Optional.of(value);
        };
    }

    /** The environment of this process. */
    static SecretSource environment() {
        return environment(System.getenv());
    }

    /** The first source that has a value. */
    static SecretSource firstOf(SecretSource... sources) {
        List<SecretSource> list = List.of(sources);
        return (organization, definition) -> {
            for (SecretSource source : list) {
                Optional<String> value = source.lookup(organization, definition);
                if (value.isPresent()) {
                    return value;
                }
            }
            return Optional.empty();
        };
    }

    private static Optional<String> readFile(Path directory, SettingDefinition definition) {
        String name = definition.secretFileName() != null ? definition.secretFileName()
                : definition.key().toLowerCase(java.util.Locale.ROOT);
        Path file = directory.resolve(name);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigurationException("secret file " + file + " for setting " + definition.key()
                    + " cannot be read (" + e.getClass().getSimpleName() + "): check its permissions and encoding", e);
        }
        String value = text.stripTrailing();
        if (value.isEmpty()) {
            throw new ConfigurationException("secret file " + file + " for setting " + definition.key()
                    + " is empty: write the value into it, or remove the file");
        }
        return Optional.of(value);
    }
}
