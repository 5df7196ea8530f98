package dev.providersettings.cli.internal;

import dev.providersettings.exception.CredentialStoreUnavailableException;
import dev.providersettings.exception.MissingCredentialsException;
import dev.providersettings.OrganizationId;
import dev.providersettings.ProbeResult;
import dev.providersettings.ProviderCode;
import dev.providersettings.exception.ProviderSettingsException;
import dev.providersettings.SettingsService;
import dev.providersettings.spi.StoredSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** {@code probe}: runs each provider's credential probe, in parallel with a bound; exit 1 if any failed. */
@Command(name = "probe", mixinStandardHelpOptions = true,
        description = "Run each provider's credential probe (does this key work?) for one, many or all organizations, "
                + "at most --parallel at a time, and print organization, provider, outcome and failed check. "
                + "Without --org, every organization with settings for the provider is probed. Exit code 1 if any "
                + "probe failed.")
public final class ProbeCommand implements Callable<Integer> {
    @ParentCommand
    RootCommand root;

    @Mixin
    SelectionOptions selection;

    @Option(names = "--parallel", paramLabel = "N", defaultValue = "8",
            description = "Probes running at the same time (default ${DEFAULT-VALUE}).")
    int parallel;

    /** One probe to run and its answer. */
    private record Row(OrganizationId organization, ProviderCode provider, ProbeResult result) {
    }

    @Override
    public Integer call() throws InterruptedException {
        if (parallel < 1 || parallel > 256) {
            throw CliException.usage("--parallel " + parallel + " is out of range: use 1 to 256");
        }
        Terminal t = root.terminal();
        try (Session session = root.session(Math.min(parallel, 16) + 1)) {
            var store = session.store();
            var registry = session.registry();
            List<ProviderCode> codes = selection.providers(registry);
            boolean named = selection.namesOrganizations();
            List<OrganizationId> orgs = selection.organizations(store);
            List<Row> todo = new ArrayList<>();
            for (ProviderCode code : codes) {
                if (named) {
                    orgs.forEach(org -> todo.add(new Row(org, code, null)));
                } else {
                    Map<OrganizationId, StoredSettings> loaded = store.loadMany(code, orgs);
                    loaded.values().stream().filter(s -> !s.settings().isEmpty())
                            .forEach(s -> todo.add(new Row(s.organization(), code, null)));
                }
            }
            SettingsService service = session.manager().settings();
            List<Row> done = run(service, todo);
            print(t, done);
            List<Row> failed = done.stream().filter(r -> r.result().outcome() == ProbeResult.Outcome.FAILED).toList();
            if (!failed.isEmpty()) {
                StringBuilder names = new StringBuilder();
                for (Row r : failed.subList(0, Math.min(10, failed.size()))) {
                    names.append(names.length() == 0 ? "" : ", ").append(r.organization().value()).append(" (")
                            .append(r.provider()).append(": ").append(r.result().failedCheck()).append(')');
                }
                t.err().println("probe failed for " + failed.size() + " of " + done.size() + ": " + names
                        + (failed.size() > 10 ? ", ..." : ""));
                t.err().flush();
                return ExitCode.CHECK_FAILED;
            }
            return ExitCode.OK;
        }
    }

    private List<Row> run(SettingsService service, List<Row> todo) throws InterruptedException {
        AtomicInteger threadNumber = new AtomicInteger();
        ThreadFactory threads = r -> {
            Thread thread = new Thread(r, "probe-" + threadNumber.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
        ExecutorService executor = Executors.newFixedThreadPool(Math.min(parallel, Math.max(1, todo.size())), threads);
        try {
            List<Future<Row>> futures = new ArrayList<>();
            for (Row row : todo) {
                futures.add(executor.submit(() -> new Row(row.organization(), row.provider(),
                        probe(service, row.organization(), row.provider()))));
            }
            List<Row> done = new ArrayList<>();
            for (Future<Row> future : futures) {
                try {
                    done.add(future.get());
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException runtime) {
                        throw runtime;
                    }
                    throw new CliException(ExitCode.INTERNAL, "a probe failed unexpectedly: " + e.getCause(), e.getCause());
                }
            }
            return done;
        } finally {
            executor.shutdownNow();
        }
    }

    private static ProbeResult probe(SettingsService service, OrganizationId org, ProviderCode code) {
        try {
            return service.probe(org, code.value());
        } catch (MissingCredentialsException e) {
            return ProbeResult.failed("settings_present", "required settings missing: " + e.missingKeys());
        } catch (CredentialStoreUnavailableException e) {
            throw e;
        } catch (ProviderSettingsException e) {
            // e.g. a secret the key ring cannot decrypt, or a client that cannot be built from the settings
            return ProbeResult.failed("settings_usable", e.getMessage());
        }
    }

    private void print(Terminal t, List<Row> rows) {
        long passed = rows.stream().filter(r -> r.result().passed()).count();
        long failed = rows.stream().filter(r -> r.result().outcome() == ProbeResult.Outcome.FAILED).count();
        if (root.json()) {
            List<Map<String, Object>> json = new ArrayList<>();
            for (Row r : rows) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("organization", r.organization().value().toString());
                row.put("provider", r.provider().value());
                row.put("outcome", r.result().outcome().name().toLowerCase(java.util.Locale.ROOT));
                row.put("failedCheck", r.result().failedCheck());
                row.put("message", r.result().message());
                json.add(row);
            }
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("probed", rows.size());
            result.put("passed", passed);
            result.put("failed", failed);
            result.put("results", json);
            Output.json(t.out(), result);
            return;
        }
        Output.Table table = new Output.Table("ORGANIZATION", "PROVIDER", "OUTCOME", "FAILED CHECK", "MESSAGE");
        rows.forEach(r -> table.row(r.organization().value(), r.provider(), r.result().outcome(),
                r.result().failedCheck(), r.result().message()));
        table.print(t.out());
        t.out().println(rows.size() + " probed: " + passed + " passed, " + failed + " failed, "
                + (rows.size() - passed - failed) + " unsupported");
        t.out().flush();
    }
}
