package dev.providersettings.postgres;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The five scenarios of {@link ManagerOnPostgresTest} (seeding every organization, two organizations with their own
 * keys, a change visible at once, no/unknown organization, organization without credentials), the two-node
 * invalidation and the rewrap, with row-level security enabled and both nodes connected as a role subject to it.
 */
class ManagerOnPostgresWithRowLevelSecurityTest extends ManagerOnPostgresTest {
    private static RestrictedRole role;
    private static HikariDataSource secondNode;

    @BeforeAll
    static void restrictedRole() {
        RestrictedRole.enableRowLevelSecurity(db);
        role = RestrictedRole.create(db, "ps_rls_manager", 4);
        secondNode = role.newPool(2);
    }

    @AfterAll
    static void dropRole() {
        secondNode.close();
        role.close();
    }

    @Override
    PostgresCredentialStore.Builder storeBuilder() {
        return role.storeBuilder();
    }

    @Override
    PostgresCredentialStore.Builder secondNodeStoreBuilder() {
        return PostgresCredentialStore.builder().dataSource(secondNode).schema(db.schema()).rowLevelSecurity(true);
    }
}
