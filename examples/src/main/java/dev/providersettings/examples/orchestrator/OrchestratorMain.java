package dev.providersettings.examples.orchestrator;

import java.util.concurrent.CountDownLatch;

/**
 * The orchestrator as a long-running service: one node with its HTTP API and background jobs, configured only by
 * system properties / environment variables ({@link OrchestratorConfig#fromEnvironment()}): a real Postgres with
 * {@code orchestrator.jdbc.url}, the real Scaleway API with {@code orchestrator.scaleway.api.url=https://api.scaleway.com},
 * a persistent key with {@code orchestrator.key.file}, seeding with {@code orchestrator.seed=true}. Stops on Ctrl-C.
 */
public final class OrchestratorMain {

    private OrchestratorMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        OrchestratorConfig config = OrchestratorConfig.fromEnvironment();
        Infrastructure infrastructure = Infrastructure.start(config);
        OrchestratorNode node = OrchestratorNode.start(config, infrastructure);
        node.startJobs();
        System.out.println("orchestrator node " + node.nodeId() + " serving " + node.apiUri() + " with " + config);
        System.out.println("Scaleway API: " + infrastructure.scalewayUrl() + "; secrets encrypted with " + infrastructure.keyOrigin());
        if (node.seedReport() != null) {
            System.out.println("seeded " + node.seedReport().writtenCount() + " settings; organizations skipped for lack of values: "
                    + node.seedReport().skipped());
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            node.close();
            infrastructure.close();
            stopped.countDown();
        }, "orchestrator-shutdown"));
        stopped.await();
    }
}
