package dev.providersettings.examples.orchestrator;

import java.time.Duration;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.fail;

/** Test helpers that drive a node's jobs pass by pass until a condition holds (bounded: never hangs). */
final class Jobs {
    static final Duration BOUND = Duration.ofSeconds(60);

    private Jobs() {
    }

    /** Runs job passes on {@code node} until {@code done} holds; fails after {@link #BOUND}. */
    static void runUntil(OrchestratorNode node, BooleanSupplier done) {
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("condition not reached within " + BOUND);
            }
            node.runJobsOnce();
            sleep(20);
        }
    }

    /** Waits (without running jobs here: other threads do) until {@code done} holds; fails after {@link #BOUND}. */
    static void awaitCondition(BooleanSupplier done) {
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("condition not reached within " + BOUND);
            }
            sleep(50);
        }
    }

    static Instance.Status status(OrchestratorNode node, UUID instance) {
        return node.instances().find(instance).orElseThrow().status();
    }

    static String body(String type, String zone, int sizeGb, String name) {
        return "{\"instance_type\":\"" + type + "\",\"zone\":\"" + zone + "\",\"volume_size_gb\":" + sizeGb
                + ",\"name\":\"" + name + "\"}";
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
