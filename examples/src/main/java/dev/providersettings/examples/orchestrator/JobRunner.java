package dev.providersettings.examples.orchestrator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs each job on its own thread at a fixed pause between passes. A pass that throws is logged and the loop goes
 * on: an error in one job, one organization or one instance never stops the others.
 */
final class JobRunner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);

    private final List<Job> jobs;
    private final Duration interval;
    private final String node;
    private ScheduledExecutorService scheduler;

    JobRunner(List<Job> jobs, Duration interval, String node) {
        this.jobs = List.copyOf(jobs);
        this.interval = interval;
        this.node = node;
    }

    /** Starts the loops (one thread per job, so a slow provider call in one job does not delay the others). */
    synchronized void start() {
        if (scheduler != null) {
            return;
        }
        scheduler = Executors.newScheduledThreadPool(jobs.size(), r -> {
            Thread t = new Thread(r, node + "-job");
            t.setDaemon(true);
            return t;
        });
        for (Job job : jobs) {
            scheduler.scheduleWithFixedDelay(() -> runSafely(job), 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** One pass of every job, in order, on the calling thread (tests and the demo drive the jobs this way). */
    int runAllOnce() {
        int handled = 0;
        for (Job job : jobs) {
            handled += runSafely(job);
        }
        return handled;
    }

    private int runSafely(Job job) {
        try {
            return job.runOnce();
        } catch (RuntimeException | Error e) {
            // Never let an exception kill a scheduled loop (a ScheduledExecutorService silently stops the task).
            LOG.warn("[{}] job {} pass failed, will retry in {} ms: {}", node, job.name(), interval.toMillis(), e.toString());
            return 0;
        }
    }

    @Override
    public synchronized void close() {
        if (scheduler == null) {
            return;
        }
        scheduler.shutdownNow();
        try {
            if (!scheduler.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("[{}] jobs did not stop within 10 s", node);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        scheduler = null;
    }
}
