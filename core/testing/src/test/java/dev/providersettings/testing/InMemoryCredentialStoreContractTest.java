package dev.providersettings.testing;

import dev.providersettings.InMemoryCredentialStore;
import dev.providersettings.OrganizationId;
import dev.providersettings.spi.CredentialStore;

/**
 * The in-memory store passes the store contract; this class is also the README's "Writing your own store" example,
 * line for line.
 */
class InMemoryCredentialStoreContractTest extends CredentialStoreContract {
    private InMemoryCredentialStore store;

    @Override
    protected CredentialStore newStore() {
        store = new InMemoryCredentialStore();
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

    @Override
    protected boolean supportsSecondNode() {
        return false; // every instance has its own maps: there is no "same data" to open twice
    }
}
