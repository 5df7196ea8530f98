package dev.providersettings.reliability;

import com.zaxxer.hikari.HikariDataSource;
import dev.providersettings.OrganizationId;
import dev.providersettings.ProviderManager;
import dev.providersettings.ProviderRegistry;
import dev.providersettings.RewrapReport;
import dev.providersettings.SeedReport;
import dev.providersettings.SecretSource;
import dev.providersettings.postgres.PostgresCredentialStore;
import dev.providersettings.postgres.testing.PostgresTestDatabase;
import dev.providersettings.scaleway.RetryPolicy;
import dev.providersettings.scaleway.ScalewayProvider;
import dev.providersettings.scaleway.ScalewayProviderFactory;
import dev.providersettings.scaleway.ScalewaySettings;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Isolation soak: many resolutions across many organizations from several threads and two provider managers on two
 * pools (two {@link PostgresCredentialStore}s with change feeds on one Postgres), while credentials change through
 * both managers, the key ring rotates (new primary) and rewrap re-encrypts every secret. Every client handed out is
 * checked against the organization it was asked for.
 *
 * <p>Rules: a client must carry its own organization's tenant id, a secret fingerprint and project id of one of that
 * organization's credential generations, and that generation may be at most the one before the generation last
 * acknowledged when the call started ("current or immediately previous"; the other node learns of a change through
 * the change feed). A foreign credential is a <b>mix-up</b>; an older own one is <b>stale</b>. Both must be 0.
 * Each organization changes serially: the next change waits until the other node serves the new generation.
 *
 * <p>Manager B is bounded to 95 % of the organizations, so it keeps evicting and reloading (misses hit Postgres).
 */
@Order(10)
class IsolationSoakTest {
    @RegisterExtension
    static final PostgresTestDatabase db = new PostgresTestDatabase();

    private static final String SCALEWAY = "scaleway";
    private static final int READERS = 4;
    private static final int MUTATORS = 2;

    /** One organization's credential history, by fingerprint. */
    static final class Org {
        final OrganizationId id;
        final List<Credentials> generations = new ArrayList<>();
        final Map<String, Integer> byFingerprint = new ConcurrentHashMap<>();
        volatile int acknowledged;

        Org(OrganizationId id, Credentials first) {
            this.id = id;
            add(first);
        }

        synchronized int add(Credentials credentials) {
            generations.add(credentials);
            byFingerprint.put(credentials.fingerprint(), generations.size() - 1);
            return generations.size() - 1;
        }

        synchronized Credentials generation(int index) {
            return generations.get(index);
        }
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void everyResolvedClientCarriesItsOwnOrganizationsCredentials() throws Exception {
        int organizations = Scale.pick("isolation.organizations", 1000, 1000);
        long resolutions = Scale.pick("isolation.resolutions", 100_000, 1_200_000);
        int rotationCount = Scale.pick("isolation.rotations", 2, 5);
        List<OrganizationId> ids = db.createOrganizations(organizations);
        Map<OrganizationId, Org> orgs = new HashMap<>();
        for (OrganizationId id : ids) {
            orgs.put(id, new Org(id, Credentials.random()));
        }
        List<Org> orgList = ids.stream().map(orgs::get).toList();

        RotatingCipher cipher = new RotatingCipher();
        HikariDataSource poolA = db.newPool(6);
        HikariDataSource poolB = db.newPool(6);
        CountingFactory<ScalewayProvider> factoryA = new CountingFactory<>(scaleway());
        CountingFactory<ScalewayProvider> factoryB = new CountingFactory<>(scaleway());
        try (PostgresCredentialStore storeA = store(poolA);
             PostgresCredentialStore storeB = store(poolB);
             ProviderManager a = manager(storeA, factoryA, cipher, 0);
             ProviderManager b = manager(storeB, factoryB, cipher, organizations * 19L / 20)) {
            // Seed every organization's first generation in one run (one loadMany and one saveAll).
            SeedReport seeded = a.seeder().seed("soak-seed", SCALEWAY, seedSource(orgs));
            assertThat(seeded.organizations()).hasSize(organizations);
            List<ProviderManager> managers = List.of(a, b);

            AtomicLong done = new AtomicLong();
            AtomicLong mixups = new AtomicLong();
            AtomicLong stale = new AtomicLong();
            AtomicLong errors = new AtomicLong();
            AtomicLong mutations = new AtomicLong();
            AtomicLong readYourWritesViolations = new AtomicLong();
            AtomicLong unconverged = new AtomicLong();
            AtomicLong maxLagNanos = new AtomicLong();
            AtomicLong totalLagNanos = new AtomicLong();
            AtomicLong rotations = new AtomicLong();
            AtomicLong rewrapped = new AtomicLong();
            AtomicLong rewrapConflicts = new AtomicLong();
            ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
            AtomicBoolean readersDone = new AtomicBoolean();

            ExecutorService pool = Executors.newFixedThreadPool(READERS + MUTATORS + 1);
            long started = System.nanoTime();
            List<Future<?>> readers = new ArrayList<>();
            for (int r = 0; r < READERS; r++) {
                long share = resolutions / READERS + (r < resolutions % READERS ? 1 : 0);
                readers.add(pool.submit(() -> {
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    for (long i = 0; i < share; i++) {
                        Org org = orgList.get(random.nextInt(orgList.size()));
                        ProviderManager manager = managers.get(random.nextInt(2));
                        int before = org.acknowledged;
                        try {
                            ScalewayProvider client = manager.get(org.id, SCALEWAY, ScalewayProvider.class);
                            String verdict = check(org, client, before);
                            if (verdict != null) {
                                (verdict.startsWith("mix-up") ? mixups : stale).incrementAndGet();
                                if (problems.size() < 20) {
                                    problems.add(verdict);
                                }
                            }
                        } catch (RuntimeException e) {
                            errors.incrementAndGet();
                            Evidence.exception(e);
                            if (problems.size() < 20) {
                                problems.add("error resolving " + org.id + ": " + e);
                            }
                        }
                        done.incrementAndGet();
                    }
                    return null;
                }));
            }
            List<Future<?>> workers = new ArrayList<>();
            for (int m = 0; m < MUTATORS; m++) {
                int mutator = m;
                ProviderManager writer = managers.get(m);
                ProviderManager other = managers.get(1 - m);
                workers.add(pool.submit(() -> {
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    while (!readersDone.get()) {
                        // Mutators own disjoint organizations, so each organization changes serially.
                        int index = random.nextInt(orgList.size() / MUTATORS) * MUTATORS + mutator;
                        Org org = orgList.get(index);
                        Credentials next = Credentials.random();
                        int generation = org.add(next);
                        try {
                            writer.settings().update("soak-mutator-" + mutator, org.id, SCALEWAY, next.update());
                        } catch (RuntimeException e) {
                            errors.incrementAndGet();
                            Evidence.exception(e);
                            problems.add("mutation of " + org.id + " failed: " + e);
                            continue;
                        }
                        org.acknowledged = generation;
                        mutations.incrementAndGet();
                        long written = System.nanoTime();
                        // read-your-writes on the writing node
                        ScalewayProvider own = writer.get(org.id, SCALEWAY, ScalewayProvider.class);
                        if (!own.secretKeyFingerprint().equals(next.fingerprint())) {
                            readYourWritesViolations.incrementAndGet();
                        }
                        // the other node converges through the change feed
                        long deadline = written + TimeUnit.SECONDS.toNanos(10);
                        while (!other.get(org.id, SCALEWAY, ScalewayProvider.class).secretKeyFingerprint()
                                .equals(next.fingerprint())) {
                            if (System.nanoTime() > deadline) {
                                unconverged.incrementAndGet();
                                problems.add("node did not converge for " + org.id);
                                break;
                            }
                            Thread.sleep(1);
                        }
                        long lag = System.nanoTime() - written;
                        totalLagNanos.addAndGet(lag);
                        maxLagNanos.accumulateAndGet(lag, Math::max);
                    }
                    return null;
                }));
            }
            workers.add(pool.submit(() -> {
                // Rotate the key ring at evenly spaced points of the run, each time re-encrypting everything.
                for (int k = 1; k <= rotationCount; k++) {
                    double mark = (double) k / (rotationCount + 1);
                    while (done.get() < resolutions * mark && !readersDone.get()) {
                        Thread.sleep(5);
                    }
                    cipher.rotate();
                    rotations.incrementAndGet();
                    RewrapReport report = a.settings().rewrap("soak-rotator");
                    rewrapped.addAndGet(report.rewrapped());
                    rewrapConflicts.addAndGet(report.conflicts());
                }
                return null;
            }));

            for (Future<?> reader : readers) {
                reader.get();
            }
            readersDone.set(true);
            for (Future<?> worker : workers) {
                worker.get();
            }
            long elapsed = System.nanoTime() - started;
            pool.shutdown();

            // Finish the rotation (a round may have stopped on conflicts) and check the end state.
            RewrapReport last = a.settings().rewrap("soak-rotator");
            rewrapped.addAndGet(last.rewrapped());
            rewrapConflicts.addAndGet(last.conflicts());
            assertThat(storeA.findSecretsNotEncryptedWith(cipher.primaryKeyId(), 10)).isEmpty();
            a.invalidateAll();
            b.invalidateAll();
            long finalMismatches = 0;
            for (Org org : orgList) {
                Credentials expected = org.generation(org.acknowledged);
                for (ProviderManager manager : managers) {
                    ScalewayProvider client = manager.get(org.id, SCALEWAY, ScalewayProvider.class);
                    if (!client.tenant().equals(org.id) || !client.secretKeyFingerprint().equals(expected.fingerprint())
                            || !client.projectId().toString().equals(expected.projectId())) {
                        finalMismatches++;
                    }
                }
            }
            long duplicates = duplicateRows();

            Figures.of("isolation")
                    .put("resolutions", done.get())
                    .put("organizations", organizations)
                    .put("reader_threads", READERS)
                    .put("managers", 2)
                    .put("pools", 2)
                    .put("mutations", mutations.get())
                    .put("key_rotations", rotations.get())
                    .put("rewrapped", rewrapped.get())
                    .put("rewrap_conflicts", rewrapConflicts.get())
                    .put("client_creations", factoryA.creates() + factoryB.creates())
                    .put("mixups", mixups.get())
                    .put("stale_beyond_previous", stale.get())
                    .put("errors", errors.get())
                    .put("read_your_writes_violations", readYourWritesViolations.get())
                    .put("unconverged", unconverged.get())
                    .put("final_mismatches", finalMismatches)
                    .put("duplicate_rows", duplicates)
                    .put("convergence_mean_ms", String.format(java.util.Locale.ROOT, "%.2f",
                            mutations.get() == 0 ? 0.0 : totalLagNanos.get() / 1e6 / mutations.get()))
                    .put("convergence_max_ms", String.format(java.util.Locale.ROOT, "%.1f", maxLagNanos.get() / 1e6))
                    .put("duration_s", String.format(java.util.Locale.ROOT, "%.1f", elapsed / 1e9))
                    .print();

            assertThat(problems).as("first problems").isEmpty();
            assertThat(done.get()).isEqualTo(resolutions);
            assertThat(mixups.get()).isZero();
            assertThat(stale.get()).isZero();
            assertThat(errors.get()).isZero();
            assertThat(readYourWritesViolations.get()).isZero();
            assertThat(unconverged.get()).isZero();
            assertThat(finalMismatches).isZero();
            assertThat(duplicates).isZero();
            assertThat(mutations.get()).isPositive();
            assertThat(rotations.get()).isEqualTo(rotationCount);
            assertThat(rewrapped.get()).isGreaterThanOrEqualTo(organizations);
        } finally {
            factoryA.close();
            factoryB.close();
        }
    }

    /** Null if the client is acceptable for the organization, else what is wrong (never a secret). */
    static String check(Org org, ScalewayProvider client, int acknowledgedBefore) {
        if (!client.tenant().equals(org.id)) {
            return "mix-up: asked for " + org.id + ", got the client of " + client.tenant();
        }
        Integer generation = org.byFingerprint.get(client.secretKeyFingerprint());
        if (generation == null) {
            return "mix-up: " + org.id + " got secret " + client.secretKeyFingerprint() + " of no generation of its own";
        }
        if (!client.projectId().toString().equals(org.generation(generation).projectId())) {
            return "mix-up: " + org.id + " got project " + client.projectId() + " with secret of generation " + generation;
        }
        if (generation < acknowledgedBefore - 1) {
            return "stale: " + org.id + " got generation " + generation + " while " + acknowledgedBefore
                    + " was acknowledged";
        }
        return null;
    }

    private static SecretSource seedSource(Map<OrganizationId, Org> orgs) {
        return (organization, definition) -> {
            Credentials c = orgs.get(organization).generation(0);
            switch (definition.key()) {
                case ScalewaySettings.PROJECT_ID:
                    return Optional.of(c.projectId());
                case ScalewaySettings.SECRET_KEY:
                    return Optional.of(c.secretKey());
                case ScalewaySettings.ACCESS_KEY:
                    return Optional.of(c.accessKey());
                default:
                    return Optional.empty();
            }
        };
    }

    private static ScalewayProviderFactory scaleway() {
        // No call reaches the API in this suite: clients are only created and inspected.
        return ScalewayProviderFactory.builder().baseUrl("http://127.0.0.1:9").allowInsecureEndpoint(true).retryPolicy(RetryPolicy.none()).build();
    }

    private static PostgresCredentialStore store(HikariDataSource pool) {
        return PostgresCredentialStore.builder().dataSource(pool).schema(db.schema()).changeFeed(true).build();
    }

    private static ProviderManager manager(PostgresCredentialStore store, CountingFactory<ScalewayProvider> factory,
                                           RotatingCipher cipher, long maximumSize) {
        return ProviderManager.builder()
                .store(store)
                .registry(ProviderRegistry.builder().register(factory).build())
                .cipher(cipher)
                .cacheTtl(Duration.ofMinutes(10))
                .maximumSize(maximumSize)
                .closeRegistryOnClose(false)
                .build();
    }

    private static long duplicateRows() throws Exception {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM (SELECT organization_id, provider, key FROM "
                     + db.schema() + ".provider_settings GROUP BY 1, 2, 3 HAVING count(*) > 1) d")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
