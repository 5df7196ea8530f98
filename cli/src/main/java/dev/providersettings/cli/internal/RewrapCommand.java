package dev.providersettings.cli.internal;

import dev.providersettings.KeyRing;
import dev.providersettings.RewrapOptions;
import dev.providersettings.RewrapReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

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
            progress.update(0);
            long[] shownTotal = {total};
            long[] batches = {0};
            // The library's rewrap: batches with check-and-set, resumable, stops between batches when interrupted.
            RewrapReport result = session.manager().settings().rewrap(RewrapOptions.builder().actor(who)
                    .batchSize(batchSize).onProgress(step -> {
                        batches[0] = step.batch();
                        if (step.rewrapped() + step.conflicts() > shownTotal[0]) {
                            shownTotal[0] = step.rewrapped() + step.conflicts();
                            progress.total(shownTotal[0]);
                        }
                        progress.update(step.rewrapped());
                    }).build());
            // Ctrl-C (the shutdown hook interrupts this thread) leaves the flag set: clear it so the final count can
            // still use the pool, and set it again before returning.
            boolean interrupted = Thread.interrupted() || result.interrupted();
            long rewrapped = result.rewrapped();
            long conflicts = result.conflicts();
            progress.finish(rewrapped);
            Map<String, Long> after = inventory.secretsByKeyId();
            Map<String, Long> left = new LinkedHashMap<>(after);
            left.remove(primary);
            long remaining = left.values().stream().mapToLong(Long::longValue).sum();
            report(t, primary, rewrapped, conflicts, batches[0], left, remaining, interrupted);
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            return remaining == 0 ? ExitCode.OK : ExitCode.CHECK_FAILED;
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
