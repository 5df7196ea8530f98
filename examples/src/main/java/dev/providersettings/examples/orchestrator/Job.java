package dev.providersettings.examples.orchestrator;

/** A background job: one pass claims due work, processes it and returns how many items it handled. */
interface Job {

    /** The job's name in logs and claims ({@code provisioning}, {@code health-check}, ...). */
    String name();

    /**
     * Claims and processes due items. Must not throw for a single item's failure (it records the failure on the
     * item); may throw when the pass as a whole fails (database down), which the runner logs and survives.
     *
     * @return how many items were handled
     */
    int runOnce();
}
