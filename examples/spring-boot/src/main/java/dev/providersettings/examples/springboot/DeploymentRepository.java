package dev.providersettings.examples.springboot;

import dev.providersettings.OrganizationId;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.util.Optional;
import java.util.UUID;

/** The host's own table of deployments (created by the host's Flyway migration). */
@Repository
public class DeploymentRepository {
    private final JdbcClient jdbc;

    /** @param jdbc the application's JDBC client */
    public DeploymentRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Stores a new deployment. */
    public void insert(Deployment deployment) {
        jdbc.sql("insert into deployments (id, organization_id, name, zone, volume_id) values (?, ?, ?, ?, ?)")
                .params(deployment.id(), deployment.organization().value(), deployment.name(), deployment.zone(),
                        deployment.volumeId())
                .update();
    }

    /** The deployment with this id if it belongs to the organization; another organization's is not found. */
    public Optional<Deployment> find(OrganizationId organization, UUID id) {
        return jdbc.sql("select id, organization_id, name, zone, volume_id from deployments"
                        + " where id = ? and organization_id = ?")
                .params(id, organization.value())
                .query((rs, row) -> new Deployment(rs.getObject(1, UUID.class),
                        OrganizationId.of(rs.getObject(2, UUID.class)), rs.getString(3), rs.getString(4), rs.getString(5)))
                .optional();
    }
}
