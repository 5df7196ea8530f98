package dev.providersettings.internal;

import dev.providersettings.SecretSource;

/**
 * A source with a fixed name for reports and messages; its {@code toString} shows that name and never a value.
 * Not API.
 */
public abstract class NamedSecretSource implements SecretSource {
    private final String name;

    protected NamedSecretSource(String name) {
        this.name = name;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final String toString() {
        return "SecretSource[" + name + "]";
    }
}
