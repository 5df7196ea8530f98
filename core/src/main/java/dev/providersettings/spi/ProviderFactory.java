package dev.providersettings.spi;

import dev.providersettings.ProbeResult;
import dev.providersettings.ProviderCode;
import dev.providersettings.ProviderRegistry;
import dev.providersettings.ProviderSettings;
import dev.providersettings.SettingDefinition;

import java.util.List;

/**
 * Creates the client of one cloud provider from one organization's settings. Implementations register with a
 * one-line {@code META-INF/services/dev.providersettings.spi.ProviderFactory} file, or explicitly with
 * {@link ProviderRegistry.Builder#register(ProviderFactory)}.
 *
 * <p>A factory may own resources shared by every client it creates (one HTTP client for all organizations); it
 * releases them in {@link #close()}.
 *
 * @param <P> the client type handed to the host
 */
public interface ProviderFactory<P> extends AutoCloseable {

    /** The provider's code, e.g. {@code scaleway}. */
    ProviderCode code();

    /** The client type {@link #create} returns. */
    Class<P> clientType();

    /** Every setting this provider accepts; writes with other keys are rejected. */
    List<SettingDefinition> settings();

    /**
     * Builds a client from validated, decrypted settings of one organization. Called at most once per cache miss;
     * the client is cached and shared by threads, so it must be thread-safe.
     */
    P create(ProviderSettings settings);

    /** Checks that the credentials work, without saving anything. The default says the provider cannot probe. */
    default ProbeResult probe(ProviderSettings settings) {
        return ProbeResult.unsupported(code());
    }

    /** Releases resources shared by the clients of this factory. */
    @Override
    default void close() {
    }
}
