package dev.providersettings.examples.orchestrator;

import dev.providersettings.OrganizationId;

import javax.sql.DataSource;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** The host's organizations, users and global catalog (zones, instance types). */
final class HostDatabase {
    private final DataSource dataSource;

    HostDatabase(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    DataSource dataSource() {
        return dataSource;
    }

    /** Creates an organization (in the minimal organizations table the credential store ships). */
    OrganizationId createOrganization(String name) {
        UUID id = UUID.randomUUID();
        Sql.withConnection(dataSource, c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO organizations (id, name) VALUES (?, ?)")) {
                ps.setObject(1, id);
                ps.setString(2, name);
                return ps.executeUpdate();
            }
        });
        return OrganizationId.of(id);
    }

    /** The organization's name, if it exists. */
    Optional<String> organizationName(OrganizationId organization) {
        return Sql.withConnection(dataSource, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT name FROM organizations WHERE id = ?")) {
                ps.setObject(1, organization.value());
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
                }
            }
        });
    }

    /** Every organization id, in id order. */
    List<OrganizationId> organizations() {
        return Sql.withConnection(dataSource, c -> {
            List<OrganizationId> result = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM organizations ORDER BY id");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    result.add(OrganizationId.of(rs.getObject(1, UUID.class)));
                }
            }
            return result;
        });
    }

    /** Creates a user whose current organization is {@code organization} (null: none). */
    UUID createUser(String name, OrganizationId organization) {
        UUID id = UUID.randomUUID();
        Sql.withConnection(dataSource, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO users (id, name, current_organization_id) VALUES (?, ?, ?)")) {
                ps.setObject(1, id);
                ps.setString(2, name);
                ps.setObject(3, organization == null ? null : organization.value());
                return ps.executeUpdate();
            }
        });
        return id;
    }

    /** The user, if it exists. */
    Optional<User> findUser(UUID id) {
        return Sql.withConnection(dataSource, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT id, name, current_organization_id FROM users WHERE id = ?")) {
                ps.setObject(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    UUID org = rs.getObject(3, UUID.class);
                    return Optional.of(new User(rs.getObject(1, UUID.class), rs.getString(2),
                            org == null ? null : OrganizationId.of(org)));
                }
            }
        });
    }

    /** The catalog, read once: zones and instance types are global, the same for every organization. */
    Catalog catalog() {
        return Sql.withConnection(dataSource, c -> {
            Map<String, String> zones = new LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT code, region FROM zones ORDER BY code");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    zones.put(rs.getString(1), rs.getString(2));
                }
            }
            Map<String, Catalog.InstanceType> types = new LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT t.code, t.gpu_count, t.min_volume_size_gb, t.max_volume_size_gb,"
                            + " coalesce(array_agg(z.zone ORDER BY z.zone) FILTER (WHERE z.zone IS NOT NULL), '{}')"
                            + " FROM instance_types t LEFT JOIN instance_type_zones z ON z.instance_type = t.code"
                            + " GROUP BY t.code ORDER BY t.code");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String[] typeZones = (String[]) rs.getArray(5).getArray();
                    types.put(rs.getString(1), new Catalog.InstanceType(rs.getString(1), rs.getInt(2), rs.getInt(3),
                            rs.getInt(4), List.of(typeZones)));
                }
            }
            return new Catalog(zones, types);
        });
    }

    /**
     * A user of the host service.
     *
     * @param id                    the user id (the stand-in for authentication sends it in {@code X-User-Id})
     * @param name                  the display name
     * @param currentOrganization   the organization the user works in, or null
     */
    record User(UUID id, String name, OrganizationId currentOrganization) {
    }

    /**
     * The global catalog.
     *
     * @param zones         zone code → region
     * @param instanceTypes instance type code → its limits and zones
     */
    record Catalog(Map<String, String> zones, Map<String, InstanceType> instanceTypes) {
        Catalog {
            zones = Map.copyOf(zones);
            instanceTypes = Map.copyOf(instanceTypes);
        }

        /** An instance type of the catalog. */
        record InstanceType(String code, int gpuCount, int minVolumeSizeGb, int maxVolumeSizeGb, List<String> zones) {
            InstanceType {
                zones = List.copyOf(zones);
            }
        }
    }
}
