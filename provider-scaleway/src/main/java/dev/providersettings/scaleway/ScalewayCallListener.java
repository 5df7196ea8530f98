package dev.providersettings.scaleway;

/**
 * Observes every logical Scaleway API call once it has finished (after retries): one HTTP request with its retries,
 * its answer read. A wait or a resize is several calls (its GETs, its PATCH); each page of a list is one call.
 * Configured with {@link ScalewayProviderFactory.Builder#callListener(ScalewayCallListener)}; it runs on the thread
 * that made the call, for every organization of the factory.
 *
 * <p>Must be fast and must not throw: an exception it throws is caught, the call's own outcome is kept, and the
 * first such exception of a factory is logged (later ones are not, so a broken listener cannot flood the log).
 */
@FunctionalInterface
public interface ScalewayCallListener {

    /** Called once per finished call. */
    void onCall(ScalewayCall call);
}
