package dev.providersettings.postgres;

import dev.providersettings.OrganizationId;
import dev.providersettings.postgres.testing.PostgresTestDatabase;
import dev.providersettings.spi.CredentialStore;
import dev.providersettings.testing.CredentialStoreContract;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * The Postgres store passes the store contract on a real (embedded) Postgres, with its change feed on, so events
 * of writes through a second store instance (another node) arrive through LISTEN/NOTIFY.
 */
class PostgresCredentialStoreContractTest extends CredentialStoreContract {
    @RegisterExtension
    static final PostgresTestDatabase db = new PostgresTestDatabase();

    @Override
    protected CredentialStore newStore() {
        return db.storeBuilder().changeFeed(true).build();
    }

    @Override
    protected OrganizationId newOrganization() {
        return db.createOrganization();
    }

    @Override
    protected void removeOrganization(OrganizationId organization) {
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement s = c.prepareStatement("DELETE FROM " + db.schema() + ".organizations WHERE id = ?")) {
            s.setObject(1, organization.value());
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("could not delete organization " + organization, e);
        }
    }

    @Override
    protected CredentialStore newStoreOnTheSameData() {
        return PostgresCredentialStore.builder().dataSource(db.newPool(2)).schema(db.schema()).build();
    }
}
