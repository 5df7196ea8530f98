package dev.providersettings.examples.orchestrator;

import java.time.Duration;
import java.util.List;

/**
 * A job over instance rows: one pass claims up to {@code batch} due instances in one status (with
 * {@code FOR UPDATE SKIP LOCKED} and a lease, so several nodes can run it) and processes each. Subclasses say which
 * rows are due and what to do with one; processing one must not throw.
 */
abstract class InstanceJob implements Job {
    final JobContext context;
    private final String name;
    private final Instance.Status status;
    private final String dueColumn;
    private final Duration dueAfter;
    private final int batch;

    /**
     * @param dueColumn a timestamp column: only rows where it is older than {@code dueAfter} (or null) are due;
     *                  null when every row in {@code status} is due
     */
    InstanceJob(String name, JobContext context, Instance.Status status, String dueColumn, Duration dueAfter, int batch) {
        this.name = name;
        this.context = context;
        this.status = status;
        this.dueColumn = dueColumn;
        this.dueAfter = dueAfter;
        this.batch = batch;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final int runOnce() {
        List<Instance> claimed = context.instances().claim(status, dueColumn, dueAfter, context.node(),
                context.lease(), batch);
        for (Instance instance : claimed) {
            process(instance);
        }
        return claimed.size();
    }

    /** Handles one claimed instance; records failures on the instance instead of throwing. */
    abstract void process(Instance instance);
}
