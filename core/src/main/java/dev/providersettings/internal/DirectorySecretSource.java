package dev.providersettings.internal;

import dev.providersettings.exception.ConfigurationException;
import dev.providersettings.OrganizationId;
import dev.providersettings.SecretSource;
import dev.providersettings.SettingDefinition;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/**
 * The directory sources of {@link SecretSource#directory} and {@link SecretSource#perOrganizationDirectory}: every
 * file-system check in one place, and every doubt (unreadable, unresolvable, not a file) an error. Not API.
 */
public final class DirectorySecretSource extends NamedSecretSource {
    private final Path directory;
    private final boolean perOrganization;

    /**
     * @param directory       the directory of secret files, or the root of the per-organization sub-directories
     * @param name            the name reports and messages show
     * @param perOrganization whether files live in {@code directory/<organization uuid>/}
     */
    public DirectorySecretSource(Path directory, String name, boolean perOrganization) {
        super(name);
        this.directory = directory;
        this.perOrganization = perOrganization;
    }

    /** Whether files live in one sub-directory per organization. */
    public boolean isPerOrganization() {
        return perOrganization;
    }

    private Optional<Path> directoryOf(OrganizationId organization) {
        if (!exists(directory, name())) {
            return Optional.empty();
        }
        // An existing root that is a dangling link or unreadable would make every organization look absent here.
        requireSearchableDirectory(directory);
        if (!perOrganization) {
            return Optional.of(directory);
        }
        Path dir = directory.resolve(organization.value().toString());
        if (!exists(dir, "directory of organization " + organization)) {
            return Optional.empty();
        }
        requireSearchableDirectory(dir);
        return Optional.of(dir);
    }

    private void requireSearchableDirectory(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new ConfigurationException("secrets path " + dir + " (" + name() + ") is not a directory"
                    + (Files.exists(dir) ? "" : " or is a link that cannot be resolved")
                    + ": make it a directory of secret files, or remove it");
        }
        if (!Files.isReadable(dir) || !Files.isExecutable(dir)) {
            throw new ConfigurationException("secrets directory " + dir + " (" + name() + ") cannot be read: "
                    + "check its permissions (the process needs read and search access)");
        }
    }

    /** Whether a path exists; an existence that cannot be determined (permissions) is an error, not "absent". */
    private static boolean exists(Path path, String what) {
        if (Files.notExists(path, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return true;
        }
        throw new ConfigurationException("cannot tell whether " + what + " " + path + " exists: check the "
                + "permissions of its parent directories");
    }

    @Override
    public boolean holds(OrganizationId organization, Collection<SettingDefinition> definitions) {
        Optional<Path> dir = directoryOf(organization);
        if (dir.isEmpty()) {
            return false;
        }
        if (perOrganization) {
            return true;
        }
        for (SettingDefinition definition : definitions) {
            if (exists(dir.get().resolve(fileName(definition)), "secret file")) {
                return true;
            }
        }
        return false;
    }

    @Override
    public Optional<String> lookup(OrganizationId organization, SettingDefinition definition) {
        Optional<Path> dir = directoryOf(organization);
        if (dir.isEmpty()) {
            return Optional.empty();
        }
        Path file = dir.get().resolve(fileName(definition));
        if (!exists(file, "secret file")) {
            return Optional.empty();
        }
        String where = "secret file " + file + " for setting " + definition.key();
        if (!Files.exists(file)) {
            throw new ConfigurationException(where + " is a link that cannot be resolved: point it at the "
                    + "secret (a mounted secret may be missing), or remove it");
        }
        if (!Files.isRegularFile(file)) {
            throw new ConfigurationException(where + " is not a regular file: write the value into a file, or "
                    + "remove it");
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigurationException(where + " cannot be read (" + e.getClass().getSimpleName()
                    + "): check its permissions and encoding", e);
        }
        String value = text.stripTrailing();
        if (value.isEmpty()) {
            throw new ConfigurationException(where + " is empty: write the value into it, or remove the file");
        }
        return Optional.of(value);
    }

    private static String fileName(SettingDefinition definition) {
        return definition.secretFileName() != null ? definition.secretFileName()
                : definition.key().toLowerCase(Locale.ROOT);
    }
}
