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
        subcommands = {KeysCommand.Generate.class, KeysCommand.ListKeys.class})
public final class KeysCommand {
    @ParentCommand
    RootCommand root;

    /** {@code keys generate}: a new AES-256 key line for the key ring file. */
    @Command(name = "generate", mixinStandardHelpOptions = true,
            description = "Generate a new AES-256 key as a key ring line keyId:base64key. With --add-to FILE, write it "
                    + "into the key ring file as the new primary (the file is replaced atomically, mode 600) and print "
                    + "only its id; otherwise print the line on stdout.")
    public static final class Generate implements Callable<Integer> {
        private static final DateTimeFormatter ID = DateTimeFormatter.ofPattern("'k'yyyyMMdd-HHmmss");

        @ParentCommand
        KeysCommand keys;

        @Option(names = "--id", paramLabel = "ID", description = "The key id (default k<yyyyMMdd-HHmmss> in UTC).")
        String id;

        @Option(names = "--add-to", paramLabel = "FILE",
                description = "Key ring file to put the new key into, as its first line (the primary).")
        Path addTo;

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
                t.out().println("key " + keyId + " added to " + addTo + " as the primary; keys now " + ring.keyIds()
                        + ". Next: run 'provider-settings rewrap', then remove the old keys once it reports complete.");
                t.out().flush();
            }
            return ExitCode.OK;
        }

        private KeyRing addToFile(String keyId, String line) throws IOException {
            String existing = "";
            if (Files.exists(addTo)) {
                KeyRing current = KeyRing.fromFile(addTo);
                if (current.contains(keyId)) {
                    throw CliException.usage("key id " + keyId + " is already in " + addTo + ": choose another --id");
                }
                existing = Files.readString(addTo, StandardCharsets.UTF_8);
            }
            Path directory = addTo.toAbsolutePath().getParent();
            Path temporary = directory.resolve("." + addTo.getFileName() + ".tmp-" + System.nanoTime());
            try {
                try {
                    Files.createFile(temporary, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                } catch (UnsupportedOperationException e) {
                    Files.createFile(temporary);
                }
                Files.writeString(temporary, line + "\n" + existing, StandardCharsets.UTF_8);
                KeyRing written = KeyRing.fromFile(temporary);
                if (!written.primaryKeyId().equals(keyId)) {
                    throw new CliException(ExitCode.INTERNAL, "the new key " + keyId + " did not become the primary of "
                            + addTo + "; the file was not changed");
                }
                try {
                    Files.move(temporary, addTo, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(temporary, addTo, StandardCopyOption.REPLACE_EXISTING);
                }
                return written;
            } catch (FileAlreadyExistsException e) {
                throw CliException.usage("temporary file " + temporary + " exists: remove it and try again");
            } finally {
                Files.deleteIfExists(temporary);
            }
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
