package dev.providersettings;

import dev.providersettings.spi.CredentialStore;
import dev.providersettings.testing.CredentialStoreContract;

/** The in-memory store passes the store contract that database stores run too. */
class InMemoryCredentialStoreContractTest extends CredentialStoreContract {
    private final InMemoryCredentialStore store = new InMemoryCredentialStore();

    @Override
    protected CredentialStore store() {
        return store;
    }

    @Override
    protected OrganizationId newOrganization() {
        OrganizationId organization = OrganizationId.random();
        store.addOrganization(organization);
        return organization;
    }

    @Override
    protected void removeOrganization(OrganizationId organization) {
        store.removeOrganization(organization);
    }
}
