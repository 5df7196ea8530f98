package dev.providersettings.cli.internal;

import dev.providersettings.KeyRing;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code keys}: the key ring. */
@Command(name = "keys", mixinStandardHelpOptions = true, description = "Manage the key ring.",
        subcommands = {KeysCommand.Generate.class, KeysCommand.Promote.class, KeysCommand.ListKeys.class})
public final class KeysCommand {
    @ParentCommand
    RootCommand root;

    /** {@code keys generate}: a new AES-256 key line for the key ring file. */
    @Command(name = "generate", mixinStandardHelpOptions = true,
            description = "Generate a new AES-256 key as a key ring line keyId:base64key. With --add-to FILE, add it to "
                    + "the key ring file as a secondary key (the primary stays; the file is replaced atomically, mode "
                    + "600) and print only its id; otherwise print the line on stdout. Rotation: add, roll every node, "
                    + "'keys promote', roll again, 'rewrap', then retire the old key.")
    public static final class Generate implements Callable<Integer> {
        private static final DateTimeFormatter ID = DateTimeFormatter.ofPattern("'k'yyyyMMdd-HHmmss");

        @ParentCommand
        KeysCommand keys;

        @Option(names = "--id", paramLabel = "ID", description = "The key id (default k<yyyyMMdd-HHmmss> in UTC).")
        String id;

        @Option(names = "--add-to", paramLabel = "FILE",
                description = "Key ring file to add the new key to (as a secondary key).")
        Path addTo;

        @Option(names = "--primary", description = "With --add-to: make the new key the primary at once (one node, "
                + "or every node already stopped); a rolling deploy needs add, roll, promote instead.")
        boolean primary;

        @Override
        public Integer call() throws IOException {
            String keyId = id != null ? id : ID.format(ZonedDateTime.now(ZoneOffset.UTC));
            if (!KeyRing.KEY_ID_FORMAT.matcher(keyId).matches()) {
                throw CliException.usage("key id '" + keyId + "' is malformed: use 1-64 letters, digits, '.', '_' or '-'");
            }
            byte[] key = new byte[KeyRing.KEY_BYTES];
            new SecureRandom().nextBytes(key);
            String line = keyId + ":" + Base64.getEncoder().encodeToString(key);
            Arrays.fill(key, (byte) 0);
            Terminal t = keys.root.terminal();
            if (addTo == null) {
                t.out().println(line);
                t.out().flush();
                return ExitCode.OK;
            }
            KeyRing ring = addToFile(keyId, line);
            if (keys.root.json()) {
                Map<String, Object> result = new LinkedHashMap<>();
                result.put("keyId", keyId);
                result.put("file", addTo.toString());
                result.put("primaryKeyId", ring.primaryKeyId());
                result.put("keyIds", ring.keyIds());
                Output.json(t.out(), result);
            } else {
                t.out().println("key " + keyId + " added to " + addTo + (primary ? " as the primary" : " as a secondary key")
                        + "; primary " + ring.primaryKeyId() + ", keys " + ring.keyIds() + ". Next: " + (primary
                        ? "run 'provider-settings rewrap', then retire the old keys once it reports complete."
                        : "roll every node onto this file, then 'provider-settings keys promote " + keyId
                        + " --file " + addTo + "'."));
                t.out().flush();
            }
            return ExitCode.OK;
        }

        private KeyRing addToFile(String keyId, String line) throws IOException {
            String text = line + "\n";
            String expectedPrimary = keyId;
            if (Files.exists(addTo)) {
                KeyRing current = KeyRing.fromFile(addTo);
                if (current.contains(keyId)) {
                    throw CliException.usage("key id " + keyId + " is already in " + addTo + ": choose another --id");
                }
                List<String> lines = withoutPrimaryMarker(Files.readAllLines(addTo, StandardCharsets.UTF_8));
                lines.add(line);
                expectedPrimary = primary ? keyId : current.primaryKeyId();
                lines.add(0, "primary=" + expectedPrimary);
                text = String.join("\n", lines) + "\n";
            }
            return replace(addTo, text, expectedPrimary);
        }
    }

    /** Every line except {@code primary=} markers. */
    static List<String> withoutPrimaryMarker(List<String> lines) {
        List<String> kept = new ArrayList<>();
        for (String l : lines) {
            if (!l.strip().matches("primary\\s*=.*")) {
                kept.add(l);
            }
        }
        return kept;
    }

    /**
     * Replaces a key ring file atomically (a file of mode 600 next to it, moved over it) after checking that the new
     * text parses and, if given, has {@code expectedPrimary} as its primary.
     */
    static KeyRing replace(Path target, String text, String expectedPrimary) throws IOException {
        Path directory = target.toAbsolutePath().getParent();
        Path temporary = directory.resolve("." + target.getFileName() + ".tmp-" + System.nanoTime());
        try {
            try {
                Files.createFile(temporary, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                Files.createFile(temporary);
            }
            Files.writeString(temporary, text, StandardCharsets.UTF_8);
            KeyRing written = KeyRing.fromFile(temporary);
            if (expectedPrimary != null && !written.primaryKeyId().equals(expectedPrimary)) {
                throw new CliException(ExitCode.INTERNAL, "key " + expectedPrimary + " did not become the primary "
                        + "of " + target + "; the file was not changed");
            }
            try {
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
            }
            return written;
        } catch (FileAlreadyExistsException e) {
            throw CliException.usage("temporary file " + temporary + " exists: remove it and try again");
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /** {@code keys promote}: makes a key of the ring file the primary. */
    @Command(name = "promote", mixinStandardHelpOptions = true,
            description = "Make a key of the key ring file the primary (writes primary=ID; the file is replaced "
                    + "atomically). Do it once every node holds the key; then roll the nodes and run 'rewrap'.")
    public static final class Promote implements Callable<Integer> {
        @ParentCommand
        KeysCommand keys;

        @picocli.CommandLine.Parameters(index = "0", paramLabel = "ID", description = "The key id to make primary.")
        String id;

        @Option(names = "--file", required = true, paramLabel = "FILE", description = "The key ring file.")
        Path file;

        @Override
        public Integer call() throws IOException {
            KeyRing current = KeyRing.fromFile(file);
            if (!current.contains(id)) {
                throw CliException.usage("key " + id + " is not in " + file + " " + current.keyIds()
                        + ": add it first with 'provider-settings keys generate --add-to " + file + "'");
            }
            List<String> lines = withoutPrimaryMarker(Files.readAllLines(file, StandardCharsets.UTF_8));
            lines.add(0, "primary=" + id);
            KeyRing ring = replace(file, String.join("\n", lines) + "\n", id);
            Terminal t = keys.root.terminal();
            if (keys.root.json()) {
                Map<String, Object> result = new LinkedHashMap<>();
                result.put("primaryKeyId", ring.primaryKeyId());
                result.put("previousPrimaryKeyId", current.primaryKeyId());
                result.put("keyIds", ring.keyIds());
                Output.json(t.out(), result);
            } else {
                t.out().println("primary of " + file + " is now " + id + " (was " + current.primaryKeyId()
                        + "). Next: roll every node onto this file, then run 'provider-settings rewrap'.");
                t.out().flush();
            }
            return ExitCode.OK;
        }
    }

    /** {@code keys list}: the ring's key ids and how many secrets each holds. */
    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List the key ring's key ids (the primary first) and how many stored secrets each holds, "
                    + "including key ids in the database the ring lacks.")
    public static final class ListKeys implements Callable<Integer> {
        @ParentCommand
        KeysCommand keys;

        @Override
        public Integer call() {
            RootCommand root = keys.root;
            try (Session session = root.session(2)) {
                KeyRing ring = session.keyRing();
                Map<String, Long> counts = new Inventory(session.dataSource(), session.schema()).secretsByKeyId();
                List<String> ids = new ArrayList<>(ring.keyIds());
                counts.keySet().stream().filter(k -> !ids.contains(k)).forEach(ids::add);
                List<Map<String, Object>> json = new ArrayList<>();
                Output.Table table = new Output.Table("KEY ID", "ROLE", "SECRETS");
                for (String keyId : ids) {
                    String role = keyId.equals(ring.primaryKeyId()) ? "primary" : ring.contains(keyId) ? "decrypt only"
                            : "MISSING FROM RING";
                    long count = counts.getOrDefault(keyId, 0L);
                    table.row(keyId, role, count);
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("keyId", keyId);
                    row.put("role", role);
                    row.put("secrets", count);
                    json.add(row);
                }
                if (root.json()) {
                    Output.json(root.terminal().out(), json);
                } else {
                    table.print(root.terminal().out());
                }
                return ExitCode.OK;
            }
        }
    }
}
