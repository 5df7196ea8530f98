package dev.providersettings.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import dev.providersettings.OrganizationId;
import dev.providersettings.ProviderManager;
import dev.providersettings.ProviderRegistry;
import dev.providersettings.Secret;
import dev.providersettings.postgres.PostgresCredentialStore;
import dev.providersettings.scaleway.ScalewayProvider;
import dev.providersettings.scaleway.ScalewayProviderFactory;
import dev.providersettings.scaleway.ScalewaySettings;

import java.lang.ref.Reference;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Benchmark 5, memory (a measured harness in its own JVM, so nothing else shares its heap): the retained heap per
 * cached (organization, scaleway) client with {@value BenchEnvironment#MAX_ORGANIZATIONS} organizations resident,
 * measured as the difference of used heap after forced GCs before and after filling the cache, minus the size of
 * the credentials themselves (measured the same way on the same objects built alone). Also checks that every
 * cached client shares one {@code HttpClient}.
 */
public final class MemoryFootprint {
    private static final String HEAP = "-Xmx2g";

    /** The printed figures. */
    record Result(List<String> lines) {
    }

    private MemoryFootprint() {
    }

    /** Runs {@link #main} in a child JVM with the parent's class path and server, and returns its figures. */
    static Result runInChildJvm(int organizations) throws Exception {
        System.out.println("# running memory footprint in a child JVM, " + organizations + " organizations");
        List<String> options = List.of("-Xms2g", HEAP, "-XX:+UseG1GC");
        List<String> lines = ChildJvm.run("memory", options, MemoryFootprint.class, Integer.toString(organizations));
        lines.add("(child JVM: " + String.join(" ", options) + ")");
        return new Result(lines);
    }

    /** {@code MemoryFootprint [organizations] [result file]}. */
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : BenchEnvironment.MAX_ORGANIZATIONS;
        BenchEnvironment env = BenchEnvironment.get();
        env.ensureFixture(n);
        OrganizationId[] ids = BenchEnvironment.organizations(n);
        List<String> lines = new ArrayList<>();
        try (HikariDataSource pool = env.pool("bench-memory", 4);
             PostgresCredentialStore store = env.storeWithChangeFeed(pool, BenchEnvironment.SCHEMA)) {
            // Warm up every code path (class loading, jOOQ and Jackson caches) on a throw-away manager.
            try (ProviderManager warmup = BenchEnvironment.manager(store)) {
                for (int i = 0; i < Math.min(n, 2000); i++) {
                    warmup.get(ids[i], "scaleway", ScalewayProvider.class);
                }
            }
            ScalewayProviderFactory factory = ScalewayProviderFactory.builder().build();
            ProviderRegistry registry = ProviderRegistry.builder().register(factory).build();
            ProviderManager manager = ProviderManager.builder().store(store).registry(registry)
                    .cipher(BenchEnvironment.cipher()).build();
            long before = usedAfterGc();
            for (OrganizationId id : ids) {
                manager.get(id, "scaleway", ScalewayProvider.class);
            }
            long after = usedAfterGc();
            if (manager.cachedCount() != n) {
                throw new IllegalStateException("cache holds " + manager.cachedCount() + ", expected " + n);
            }
            double perEntry = (after - before) / (double) n;

            // The same clients once more, to count the transports and HTTP clients behind them.
            IdentityHashMap<Object, Boolean> transports = new IdentityHashMap<>();
            IdentityHashMap<Object, Boolean> httpClients = new IdentityHashMap<>();
            IdentityHashMap<Object, Boolean> baseUrls = new IdentityHashMap<>();
            Field transportField = ScalewayProvider.class.getDeclaredField("transport");
            transportField.setAccessible(true);
            for (OrganizationId id : ids) {
                ScalewayProvider provider = manager.get(id, "scaleway", ScalewayProvider.class);
                baseUrls.put(provider.baseUrl(), true);
                Object transport = transportField.get(provider);
                transports.put(transport, true);
                Method httpClient = transport.getClass().getMethod("httpClient");
                httpClients.put(httpClient.invoke(transport), true);
            }
            double credentials = credentialsPerEntry(n);
            double uri = uriSize(n, ScalewaySettings.DEFAULT_API_URL);

            double beyond = perEntry - credentials;
            lines.add(String.format(Locale.ROOT, "%,d clients resident: heap grew by %,.1f MB, %,.0f bytes per entry",
                    n, (after - before) / 1e6, perEntry));
            lines.add(String.format(Locale.ROOT, "credentials alone (Secret + access key string + 2 UUIDs, built the same"
                    + " way): %,.0f bytes per entry", credentials));
            lines.add(String.format(Locale.ROOT, "beyond the credentials: %,.0f bytes per entry; target < 2,048: %s",
                    beyond, Summary.met(beyond < 2048)));
            lines.add("distinct transports: " + transports.size() + ", distinct HttpClients: " + httpClients.size()
                    + "; target one shared HttpClient: " + Summary.met(httpClients.size() == 1));
            lines.add(String.format(Locale.ROOT, "of which the base URL: %,d distinct java.net.URI instances for %,d clients,"
                    + " %,.0f bytes each (URI.create of the default URL)", baseUrls.size(), n, uri));
            manager.close();
        }
        lines.forEach(System.out::println);
        if (args.length > 1) {
            Files.write(Path.of(args[1]), lines, StandardCharsets.UTF_8);
        }
        System.exit(0);
    }

    /**
     * The heap of the credentials a client keeps (secret key, access key, project id, organization id), built as
     * the store and factory build them (a fresh String per value, parsed UUIDs), minus the holding array.
     */
    private static double credentialsPerEntry(int n) {
        long before = usedAfterGc();
        Object[] held = new Object[4 * n];
        for (int i = 0; i < n; i++) {
            Map<String, String> values = BenchEnvironment.credentials(i);
            held[4 * i] = Secret.of(new String(values.get(ScalewaySettings.SECRET_KEY).toCharArray()));
            held[4 * i + 1] = new String(values.get(ScalewaySettings.ACCESS_KEY).toCharArray());
            held[4 * i + 2] = UUID.fromString(values.get(ScalewaySettings.PROJECT_ID));
            held[4 * i + 3] = UUID.fromString(values.get(ScalewaySettings.ORGANIZATION_ID));
        }
        long after = usedAfterGc();
        long array = 16L + 4L * held.length; // compressed references; the array is not part of any entry
        Reference.reachabilityFence(held);
        return (after - before - array) / (double) n;
    }

    /** The heap of one {@code URI.create(url)} (the URI and its strings), measured like the credentials. */
    private static double uriSize(int n, String url) {
        long before = usedAfterGc();
        Object[] held = new Object[n];
        for (int i = 0; i < n; i++) {
            held[i] = URI.create(url); // the shared default String, as the factory passes it
        }
        long after = usedAfterGc();
        long array = 16L + 4L * held.length;
        Reference.reachabilityFence(held);
        return (after - before - array) / (double) n;
    }

    static long usedAfterGc() {
        var memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
