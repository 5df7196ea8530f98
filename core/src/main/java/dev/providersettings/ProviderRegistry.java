package dev.providersettings;

import dev.providersettings.exception.ConfigurationException;
import dev.providersettings.exception.InvalidIdentifierException;
import dev.providersettings.exception.UnknownProviderException;
import dev.providersettings.spi.ProviderFactory;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The provider factories known to this application, by code. Built once:
 * {@code ProviderRegistry.builder().discover().build()} finds every factory listed in a
 * {@code META-INF/services/dev.providersettings.spi.ProviderFactory} file; {@link Builder#register} adds one
 * explicitly. An explicitly registered factory wins over discovered ones with the same code; two discovered (or two
 * registered) factories with one code are a {@link ConfigurationException} that says how to fix it.
 *
 * <p>The registry owns the factories it holds: {@link #close()} closes them. A {@link ProviderManager} closes its
 * registry when it is closed, unless told otherwise.
 */
public final class ProviderRegistry implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProviderRegistry.class);

    private final Map<ProviderCode, ProviderFactory<?>> factories;
    private final Map<ProviderCode, Map<String, SettingDefinition>> definitions;
    private final SortedSet<ProviderCode> codes;

    private ProviderRegistry(Map<ProviderCode, ProviderFactory<?>> factories,
                             Map<ProviderCode, Map<String, SettingDefinition>> definitions) {
        this.factories = Collections.unmodifiableMap(new TreeMap<>(factories));
        this.definitions = Map.copyOf(definitions);
        this.codes = Collections.unmodifiableSortedSet(new TreeSet<>(factories.keySet()));
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The factory registered under {@code code}.
     *
     * @throws InvalidIdentifierException if the code is null, blank or malformed
     * @throws UnknownProviderException   if no factory has that code; the message lists the registered ones
     */
    public ProviderFactory<?> factory(String code) {
        if (code == null || code.isBlank()) {
            throw new InvalidIdentifierException("provider code is " + (code == null ? "null" : "blank")
                    + ": pass one of the registered providers " + codes);
        }
        return factory(ProviderCode.of(code));
    }

    /**
     * The factory registered under {@code code}.
     *
     * @throws UnknownProviderException if no factory has that code; the message lists the registered ones
     */
    public ProviderFactory<?> factory(ProviderCode code) {
        if (code == null) {
            throw new InvalidIdentifierException("provider code is null: pass one of the registered providers " + codes);
        }
        ProviderFactory<?> factory = factories.get(code);
        if (factory == null) {
            throw new UnknownProviderException(code.value(), codes);
        }
        return factory;
    }

    /** The registered codes, sorted. */
    public SortedSet<ProviderCode> codes() {
        return codes;
    }

    /** The declared settings of a provider by key, in declaration order. */
    public Map<String, SettingDefinition> definitions(ProviderCode code) {
        factory(code);
        return definitions.get(code);
    }

    /** Closes every factory; a failure is logged and the others are still closed. */
    @Override
    public void close() {
        for (ProviderFactory<?> factory : factories.values()) {
            try {
                factory.close();
            } catch (Exception e) {
                LOG.warn("closing the factory of provider {} failed: {}", factory.code(), e.getClass().getName());
            }
        }
    }

    @Override
    public String toString() {
        return "ProviderRegistry" + codes;
    }

    /** Collects factories; {@link #build()} checks them. Not thread-safe. */
    public static final class Builder {
        private final List<ProviderFactory<?>> registered = new ArrayList<>();
        private final List<ProviderFactory<?>> discovered = new ArrayList<>();
        private final Set<String> excludedClasses = new HashSet<>();

        private Builder() {
        }

        /** Adds every factory found by {@link ServiceLoader} with the thread's context class loader. */
        public Builder discover() {
            ClassLoader loader = Thread.currentThread().getContextClassLoader();
            return discover(loader != null ? loader : ProviderRegistry.class.getClassLoader());
        }

        /** Adds every factory found by {@link ServiceLoader} in {@code classLoader}. */
        @SuppressWarnings("rawtypes")
        public Builder discover(ClassLoader classLoader) {
            Objects.requireNonNull(classLoader, "classLoader");
            try {
                for (ProviderFactory factory : ServiceLoader.load(ProviderFactory.class, classLoader)) {
                    discovered.add(factory);
                    LOG.debug("discovered provider factory {} ({})", factory.code(), factory.getClass().getName());
                }
            } catch (ServiceConfigurationError e) {
                throw new ConfigurationException("a provider factory listed in META-INF/services/"
                        + ProviderFactory.class.getName() + " cannot be loaded: " + e.getMessage()
                        + "; fix or remove the jar that lists it", e);
            }
            return this;
        }

        /** Adds a factory explicitly; it wins over a discovered factory with the same code. */
        public Builder register(ProviderFactory<?> factory) {
            if (factory == null) {
                throw new ConfigurationException("ProviderRegistry.Builder.register(null): pass a ProviderFactory instance");
            }
            registered.add(factory);
            return this;
        }

        /** Ignores discovered factories of this class (e.g. one of two jars that provide the same code). */
        public Builder exclude(Class<?> factoryClass) {
            excludedClasses.add(Objects.requireNonNull(factoryClass, "factoryClass").getName());
            return this;
        }

        /**
         * Checks the factories and builds the registry.
         *
         * @throws ConfigurationException on two factories with one code, or a factory whose declarations are wrong
         */
        public ProviderRegistry build() {
            Map<ProviderCode, ProviderFactory<?>> byCode = new LinkedHashMap<>();
            for (ProviderFactory<?> factory : registered) {
                ProviderCode code = checkedCode(factory);
                ProviderFactory<?> previous = byCode.putIfAbsent(code, factory);
                if (previous != null) {
                    throw duplicate(code, previous, factory);
                }
            }
            Map<ProviderCode, ProviderFactory<?>> found = new LinkedHashMap<>();
            for (ProviderFactory<?> factory : discovered) {
                if (excludedClasses.contains(factory.getClass().getName())) {
                    LOG.debug("provider factory {} excluded", factory.getClass().getName());
                    continue;
                }
                ProviderCode code = checkedCode(factory);
                if (byCode.containsKey(code)) {
                    LOG.debug("discovered provider factory {} ignored: {} is registered explicitly",
                            factory.getClass().getName(), code);
                    continue;
                }
                ProviderFactory<?> previous = found.putIfAbsent(code, factory);
                if (previous != null && previous.getClass() != factory.getClass()) {
                    throw duplicate(code, previous, factory);
                }
            }
            byCode.putAll(found);
            Map<ProviderCode, Map<String, SettingDefinition>> definitions = new LinkedHashMap<>();
            byCode.forEach((code, factory) -> definitions.put(code, checkedDefinitions(code, factory)));
            return new ProviderRegistry(byCode, definitions);
        }

        private static ProviderCode checkedCode(ProviderFactory<?> factory) {
            ProviderCode code = factory.code();
            if (code == null) {
                throw new ConfigurationException("provider factory " + factory.getClass().getName()
                        + " returns a null code(): fix the factory");
            }
            if (factory.clientType() == null) {
                throw new ConfigurationException("provider factory " + factory.getClass().getName() + " (" + code
                        + ") returns a null clientType(): fix the factory");
            }
            return code;
        }

        private static Map<String, SettingDefinition> checkedDefinitions(ProviderCode code, ProviderFactory<?> factory) {
            List<SettingDefinition> settings = factory.settings();
            if (settings == null) {
                throw new ConfigurationException("provider factory " + factory.getClass().getName() + " (" + code
                        + ") returns null settings(): return the declared settings, or an empty list");
            }
            Map<String, SettingDefinition> byKey = new LinkedHashMap<>();
            for (SettingDefinition definition : settings) {
                if (definition == null) {
                    throw new ConfigurationException("provider " + code + " declares a null setting: fix "
                            + factory.getClass().getName() + ".settings()");
                }
                if (byKey.putIfAbsent(definition.key(), definition) != null) {
                    throw new ConfigurationException("provider " + code + " declares the setting " + definition.key()
                            + " twice: keep one declaration in " + factory.getClass().getName() + ".settings()");
                }
            }
            return Collections.unmodifiableMap(byKey);
        }

        private static ConfigurationException duplicate(ProviderCode code, ProviderFactory<?> first, ProviderFactory<?> second) {
            return new ConfigurationException("two provider factories have the code '" + code + "': "
                    + first.getClass().getName() + " and " + second.getClass().getName()
                    + ". Fix it in one of three ways: (1) remove one of the jars from the classpath, "
                    + "(2) register the one you want explicitly with ProviderRegistry.builder().register(...) instead of "
                    + "discover() (an explicit registration wins over discovered ones), or (3) exclude the other with "
                    + "ProviderRegistry.builder().exclude(" + second.getClass().getSimpleName() + ".class)");
        }
    }
}
