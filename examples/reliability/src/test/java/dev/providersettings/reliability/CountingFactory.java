package dev.providersettings.reliability;

import dev.providersettings.ProbeResult;
import dev.providersettings.ProviderCode;
import dev.providersettings.spi.ProviderFactory;
import dev.providersettings.ProviderSettings;
import dev.providersettings.SettingDefinition;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** Wraps a factory to count the clients it creates (cache misses that reached the factory). */
final class CountingFactory<P> implements ProviderFactory<P> {
    private final ProviderFactory<P> delegate;
    private final AtomicLong creates = new AtomicLong();

    CountingFactory(ProviderFactory<P> delegate) {
        this.delegate = delegate;
    }

    long creates() {
        return creates.get();
    }

    @Override
    public ProviderCode code() {
        return delegate.code();
    }

    @Override
    public Class<P> clientType() {
        return delegate.clientType();
    }

    @Override
    public List<SettingDefinition> settings() {
        return delegate.settings();
    }

    @Override
    public P create(ProviderSettings settings) {
        creates.incrementAndGet();
        return delegate.create(settings);
    }

    @Override
    public ProbeResult probe(ProviderSettings settings) {
        return delegate.probe(settings);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
