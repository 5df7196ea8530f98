package dev.providersettings.testing;

import ch.qos.logback.classic.LoggerContext;
import dev.providersettings.OrganizationId;
import dev.providersettings.ProviderCode;
import dev.providersettings.spi.ChangeEvent;
import dev.providersettings.spi.CredentialStore;
import org.slf4j.LoggerFactory;

import java.util.function.Predicate;

/** What {@link CredentialStoreContract} needs besides its tests. */
final class ContractSupport {
    private ContractSupport() {
    }

    /** Whether the event tells a cache of (organization, provider) to drop its entry (see {@link ChangeEvent}). */
    static Predicate<ChangeEvent> covers(OrganizationId organization, ProviderCode provider) {
        return event -> event.isEverything() || event.organization().equals(organization)
                && (event.provider() == null || event.provider().equals(provider));
    }

    /**
     * Captures the store's own loggers (its package; the library's for stores of this library) at DEBUG, when logback
     * is the SLF4J binding; null otherwise (then the contract checks what the store prints, not what it logs).
     */
    static LogCapture captureLogsOf(CredentialStore store) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext)) {
            return null;
        }
        String storePackage = store.getClass().getPackageName();
        return LogCapture.start(storePackage.startsWith("dev.providersettings") ? "dev.providersettings" : storePackage);
    }
}
