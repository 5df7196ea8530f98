package dev.providersettings.cli.internal;

import dev.providersettings.AesGcmSecretCipher;
import dev.providersettings.KeyRing;
import dev.providersettings.MissingOrganizationException;
import dev.providersettings.VersionConflictException;
import dev.providersettings.postgres.PostgresCredentialStore;
import dev.providersettings.spi.EncryptedSecret;
import dev.providersettings.spi.SecretContext;
import dev.providersettings.spi.SecretRef;
import dev.providersettings.spi.SettingWrite;
import dev.providersettings.spi.SettingsBatch;
import dev.providersettings.spi.StoredValue;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code rewrap}: re-encrypts every stored secret under the key ring's primary key, in batches with check-and-set.
 * Each batch commits on its own, so an interrupted run loses nothing and the next run continues with what is left.
 */
@Command(name = "rewrap", mixinStandardHelpOptions = true,
        description = "Re-encrypt every stored secret under the key ring's primary key, in batches with check-and-set "
                + "(a secret written concurrently is never overwritten). Resumable: each batch commits on its own; run "
                + "again after an interruption. Progress on stderr (a bar on a terminal, lines otherwise); the report "
                + "says how many were rewrapped, how many conflicts were retried and how many are left under old keys. "
                + "Exit code 1 when secrets are left under old keys.")
public final class RewrapCommand implements Callable<Integer> {
    @ParentCommand
    RootCommand root;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "500",
            description = "Secrets per transaction (default ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--progress", paramLabel = "MODE", defaultValue = "auto",
            description = "auto (bar on a terminal, lines otherwise), bar, lines or none.")
    Progress.Mode progressMode;

    @Option(names = "--progress-interval", paramLabel = "MS", defaultValue = "1000",
            description = "Least time between two progress lines in ms (default ${DEFAULT-VALUE}; a bar redraws every 100 ms).")
    long progressInterval;

    @Override
    public Integer call() {
        if (batchSize < 1 || batchSize > 10_000) {
            throw CliException.usage("--batch-size " + batchSize + " is out of range: use 1 to 10000");
        }
        if (progressInterval < 0) {
            throw CliException.usage("--progress-interval " + progressInterval + " is negative");
        }
        Terminal t = root.terminal();
        String who = root.actor();
        Thread worker = Thread.currentThread();
        java.util.concurrent.CountDownLatch finished = new java.util.concurrent.CountDownLatch(1);
        // Ctrl-C: let the running batch commit and the report print, instead of dying mid-way (resumable either way).
        Thread hook = new Thread(() -> {
            worker.interrupt();
            try {
                finished.await(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "provider-settings-rewrap-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return rewrap(t, who);
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down: the hook is running
            }
        }
    }

    private int rewrap(Terminal t, String who) {
        try (Session session = root.session(2)) {
            KeyRing ring = session.keyRing();
            String primary = ring.primaryKeyId();
            PostgresCredentialStore store = session.store();
            Inventory inventory = new Inventory(session.dataSource(), session.schema());
            Map<String, Long> before = inventory.secretsByKeyId();
            List<String> unknown = before.keySet().stream().filter(k -> !ring.contains(k)).toList();
            if (!unknown.isEmpty()) {
                throw CliException.configuration("secrets are stored under key(s) " + unknown + " that the key ring "
                        + ring + " lacks: add them back (they decrypt only) and run rewrap again; nothing was written");
            }
            long total = before.entrySet().stream().filter(e -> !e.getKey().equals(primary))
                    .mapToLong(Map.Entry::getValue).sum();
            Progress progress = new Progress(t, progressMode, "rewrap",
                    progressMode == Progress.Mode.BAR || (progressMode == Progress.Mode.AUTO && t.interactive())
                            ? Math.min(progressInterval, 100) : progressInterval);
            progress.total(total);
            AesGcmSecretCipher cipher = new AesGcmSecretCipher(ring);
            long rewrapped = 0;
            long conflicts = 0;
            long batches = 0;
            boolean interrupted = false;
            progress.update(0);
            while (true) {
                if (Thread.interrupted()) {
                    // Ctrl-C (the shutdown hook interrupts this thread) or the caller: stop between batches; the flag
                    // is cleared so the final count can still use the pool, and set again before returning.
                    interrupted = true;
                    break;
                }
                List<SecretRef> refs = store.findSecretsNotEncryptedWith(primary, batchSize);
                if (refs.isEmpty()) {
                    break;
                }
                long[] outcome = rewrapBatch(store, cipher, who, refs);
                rewrapped += outcome[0];
                conflicts += outcome[1];
                batches++;
                if (rewrapped + conflicts > total) {
                    progress.total(rewrapped + conflicts);
                }
                progress.update(rewrapped);
                if (outcome[0] == 0) {
                    // Every secret of this batch conflicted: stop rather than spin; the report says what is left.
                    break;
                }
            }
            progress.finish(rewrapped);
            Map<String, Long> after = inventory.secretsByKeyId();
            Map<String, Long> left = new LinkedHashMap<>(after);
            left.remove(primary);
            long remaining = left.values().stream().mapToLong(Long::longValue).sum();
            report(t, primary, rewrapped, conflicts, batches, left, remaining, interrupted);
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            return remaining == 0 ? ExitCode.OK : ExitCode.CHECK_FAILED;
        }
    }

    /**
     * Rewraps one batch in one transaction; if a concurrent write makes it conflict, nothing of it was written and
     * its secrets are retried one by one, each with its own check-and-set.
     *
     * @return {rewrapped, conflicts}
     */
    private static long[] rewrapBatch(PostgresCredentialStore store, AesGcmSecretCipher cipher, String actor,
                                      List<SecretRef> refs) {
        Map<String, List<SettingWrite>> writes = new LinkedHashMap<>();
        Map<String, SecretRef> firstOf = new LinkedHashMap<>();
        for (SecretRef ref : refs) {
            SecretContext context = new SecretContext(ref.organization(), ref.provider(), ref.key());
            EncryptedSecret fresh = cipher.encrypt(cipher.decrypt(ref.secret(), context), context);
            String group = ref.organization().value() + "/" + ref.provider().value();
            writes.computeIfAbsent(group, g -> new ArrayList<>())
                    .add(new SettingWrite(ref.key(), new StoredValue.Encrypted(fresh), ref.version()));
            firstOf.putIfAbsent(group, ref);
        }
        List<SettingsBatch> batches = new ArrayList<>();
        writes.forEach((group, list) -> batches.add(new SettingsBatch(firstOf.get(group).organization(),
                firstOf.get(group).provider(), actor, list)));
        try {
            store.saveAll(batches);
            return new long[]{refs.size(), 0};
        } catch (VersionConflictException | MissingOrganizationException e) {
            long rewrapped = 0;
            long conflicts = 0;
            for (SettingsBatch batch : batches) {
                for (SettingWrite write : batch.writes()) {
                    try {
                        store.save(new SettingsBatch(batch.organization(), batch.provider(), actor, List.of(write)));
                        rewrapped++;
                    } catch (VersionConflictException | MissingOrganizationException conflict) {
                        conflicts++;
                    }
                }
            }
            return new long[]{rewrapped, conflicts};
        }
    }

    private void report(Terminal t, String primary, long rewrapped, long conflicts, long batches, Map<String, Long> left,
                        long remaining, boolean interrupted) {
        if (root.json()) {
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("primaryKeyId", primary);
            result.put("rewrapped", rewrapped);
            result.put("conflictsRetried", conflicts);
            result.put("batches", batches);
            result.put("leftUnderOldKeys", remaining);
            result.put("leftByKeyId", left);
            result.put("interrupted", interrupted);
            result.put("complete", remaining == 0);
            Output.json(t.out(), result);
            return;
        }
        t.out().println("rewrapped " + rewrapped + " secret(s) under key " + primary + " in " + batches + " batch(es); "
                + conflicts + " conflict(s) retried; " + remaining + " left under old keys" + (left.isEmpty() ? ""
                : " " + left));
        t.out().println(remaining == 0 ? "complete: no secret is left under an old key; the old keys may be removed "
                + "from the key ring" : interrupted ? "interrupted: every finished batch is saved; run "
                + "'provider-settings rewrap' again to continue" : "incomplete: run 'provider-settings rewrap' again "
                + "(concurrent writes moved secrets while it ran)");
        t.out().flush();
    }

}
