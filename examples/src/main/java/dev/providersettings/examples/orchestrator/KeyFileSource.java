package dev.providersettings.examples.orchestrator;

import dev.providersettings.ConfigurationException;
import dev.providersettings.SecretSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * Per-organization files named after the setting key in lower case: {@code <root>/<organization id>/scaleway_project_id}.
 * The library's {@link SecretSource#perOrganizationDirectory} reads only the settings that declare a secret file
 * (the secret and access keys); this source covers the others (project and organization ids), so each organization
 * can have its own Scaleway project. Used together: {@code firstOf(perOrganizationDirectory(root), of(root))}.
 */
final class KeyFileSource {

    private KeyFileSource() {
    }

    static SecretSource of(Path root) {
        return (organization, definition) -> {
            Path file = root.resolve(organization.value().toString()).resolve(definition.key().toLowerCase(Locale.ROOT));
            if (!Files.isRegularFile(file)) {
                return Optional.empty();
            }
            try {
                String value = Files.readString(file, StandardCharsets.UTF_8).stripTrailing();
                if (value.isEmpty()) {
                    throw new ConfigurationException("seed file " + file + " for setting " + definition.key()
                            + " is empty: write the value into it, or remove the file");
                }
                return Optional.of(value);
            } catch (IOException e) {
                throw new ConfigurationException("seed file " + file + " for setting " + definition.key()
                        + " cannot be read (" + e.getClass().getSimpleName() + "): check its permissions", e);
            }
        };
    }
}
