package dev.providersettings.examples.orchestrator;

import dev.providersettings.OrganizationId;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The {@code instances} table, and how jobs claim its rows.
 *
 * <p>A claim is a lease: one statement picks due rows with {@code FOR UPDATE SKIP LOCKED} (rows another node is
 * claiming at that moment are skipped, not waited for) and stamps them with {@code claimed_by} / {@code claimed_until}.
 * Until the lease expires no other node claims the row, even though the row lock is released at once; so a job can
 * call the provider for minutes without holding a transaction open. Every later write is guarded by
 * {@code claimed_by = node}, so a node whose lease expired (it was paused, say) cannot overwrite the work of the
 * node that took over. If a node dies, its rows become claimable again when the lease runs out.
 */
final class InstanceRepository {
    private static final String COLUMNS = "id, deployment_id, organization_id, name, zone, commercial_type,"
            + " requested_volume_size_gb, status, error_code, error_message, provider_server_id, boot_volume_id,"
            + " volume_size_gb, delete_volumes_on_terminate, server_state, ip, last_health_at, attempts, claimed_by,"
            + " claimed_until, created_at, updated_at";

    private final DataSource dataSource;

    InstanceRepository(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Inserts a new instance in {@code provisioning}; runs on the caller's connection (inside its transaction). */
    static void insert(Connection c, UUID id, UUID deploymentId, OrganizationId organization, String name, String zone,
                       String commercialType, int volumeSizeGb) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO instances (id, deployment_id, organization_id, name,"
                + " zone, commercial_type, requested_volume_size_gb, status) VALUES (?, ?, ?, ?, ?, ?, ?, 'provisioning')")) {
            ps.setObject(1, id);
            ps.setObject(2, deploymentId);
            ps.setObject(3, organization == null ? null : organization.value());
            ps.setString(4, name);
            ps.setString(5, zone);
            ps.setString(6, commercialType);
            ps.setInt(7, volumeSizeGb);
            ps.executeUpdate();
        }
    }

    /** Inserts an instance outside any deployment (a legacy row, possibly without organization). */
    UUID insertLegacy(OrganizationId organization, String name, String zone, String commercialType, int volumeSizeGb) {
        UUID id = UUID.randomUUID();
        Sql.withConnection(dataSource, c -> {
            insert(c, id, null, organization, name, zone, commercialType, volumeSizeGb);
            return null;
        });
        return id;
    }

    Optional<Instance> find(UUID id) {
        return Sql.withConnection(dataSource, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM instances WHERE id = ?")) {
                ps.setObject(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(read(rs)) : Optional.empty();
                }
            }
        });
    }

    /** The instances of one organization, newest first. */
    List<Instance> listByOrganization(OrganizationId organization) {
        return Sql.withConnection(dataSource, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
                    + " FROM instances WHERE organization_id = ? ORDER BY created_at DESC, id")) {
                ps.setObject(1, organization.value());
                return readAll(ps);
            }
        });
    }

    /** How many instance rows exist (tests compare it before and after a rejected request). */
    long count() {
        return Sql.withConnection(dataSource, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM instances");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    /** The boot volume ids of every instance of the organization that may still own its volume. */
    List<String> bootVolumeIds(OrganizationId organization) {
        return Sql.withConnection(dataSource, c -> {
            List<String> ids = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT boot_volume_id FROM instances"
                    + " WHERE organization_id = ? AND boot_volume_id IS NOT NULL AND status <> 'terminated'")) {
                ps.setObject(1, organization.value());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getString(1));
                    }
                }
            }
            return ids;
        });
    }

    /**
     * Claims up to {@code limit} due instances in {@code status} for {@code node}, with a lease of {@code lease}.
     *
     * @param dueColumn a timestamp column: only rows where it is null or older than {@code dueAfter} are due; null
     *                  for "every row in that status"
     */
    List<Instance> claim(Instance.Status status, String dueColumn, Duration dueAfter, String node, Duration lease,
                         int limit) {
        String due = dueColumn == null ? ""
                : " AND (" + dueColumn + " IS NULL OR " + dueColumn + " < now() - make_interval(secs => ?))";
        String sql = "UPDATE instances i SET claimed_by = ?, claimed_until = now() + make_interval(secs => ?),"
                // attempts counts provisioning and termination tries, not routine health checks
                + " attempts = i.attempts + CASE WHEN i.status IN ('provisioning', 'terminating') THEN 1 ELSE 0 END"
                + " FROM (SELECT id FROM instances WHERE status = ?" + due
                + " AND (claimed_until IS NULL OR claimed_until < now())"
                + " ORDER BY updated_at, id LIMIT ? FOR UPDATE SKIP LOCKED) due"
                + " WHERE i.id = due.id RETURNING " + prefixed("i.");
        return Sql.withConnection(dataSource, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                int i = 1;
                ps.setString(i++, node);
                ps.setDouble(i++, lease.toMillis() / 1000.0);
                ps.setString(i++, status.code());
                if (dueColumn != null) {
                    ps.setDouble(i++, dueAfter.toMillis() / 1000.0);
                }
                ps.setInt(i, limit);
                return readAll(ps);
            }
        });
    }

    /** Extends the lease of a claimed instance; false if this node no longer holds it. */
    boolean extendLease(UUID id, String node, Duration lease) {
        return update("UPDATE instances SET claimed_until = now() + make_interval(secs => ?)"
                + " WHERE id = ? AND claimed_by = ?", lease.toMillis() / 1000.0, id, node) == 1;
    }

    /** Records an error on a claimed instance and gives it back (it stays in its status, tried again later). */
    boolean releaseWithError(UUID id, String node, String errorCode, String errorMessage) {
        return update("UPDATE instances SET error_code = ?, error_message = ?, claimed_by = NULL, claimed_until = NULL,"
                + " updated_at = now() WHERE id = ? AND claimed_by = ?", errorCode, errorMessage, id, node) == 1;
    }

    /** Gives a claimed instance back unchanged (it will be tried again once due). */
    boolean release(UUID id, String node) {
        return update("UPDATE instances SET claimed_by = NULL, claimed_until = NULL WHERE id = ? AND claimed_by = ?",
                id, node) == 1;
    }

    /** Records the server created for a claimed instance (before anything else, so a retry never creates twice). */
    boolean recordServer(UUID id, String node, String serverId, String bootVolumeId) {
        return update("UPDATE instances SET provider_server_id = ?, boot_volume_id = ?, updated_at = now()"
                + " WHERE id = ? AND claimed_by = ?", serverId, bootVolumeId, id, node) == 1;
    }

    /** Provisioning succeeded: ready, claim released, due for its first health check at once. */
    boolean markReady(UUID id, String node, String bootVolumeId, int volumeSizeGb, String serverState, String ip) {
        return update("UPDATE instances SET status = 'ready', boot_volume_id = ?, volume_size_gb = ?, server_state = ?,"
                        + " ip = ?, last_health_at = NULL, error_code = NULL, error_message = NULL,"
                        + " claimed_by = NULL, claimed_until = NULL, updated_at = now() WHERE id = ? AND claimed_by = ?",
                bootVolumeId, volumeSizeGb, serverState, ip, id, node) == 1;
    }

    /** The instance failed: error code and message recorded, claim released. */
    boolean markFailed(UUID id, String node, String errorCode, String errorMessage) {
        return update("UPDATE instances SET status = 'failed', error_code = ?, error_message = ?, claimed_by = NULL,"
                + " claimed_until = NULL, updated_at = now() WHERE id = ? AND claimed_by = ?",
                errorCode, errorMessage, id, node) == 1;
    }

    /** A health check result: server state and IP, claim released. */
    boolean recordHealth(UUID id, String node, String serverState, String ip) {
        return update("UPDATE instances SET server_state = ?, ip = ?, last_health_at = now(), claimed_by = NULL,"
                + " claimed_until = NULL WHERE id = ? AND claimed_by = ?", serverState, ip, id, node) == 1;
    }

    /** A health check that could not reach the provider: recorded, claim released, tried again next interval. */
    boolean recordHealthError(UUID id, String node, String errorCode, String errorMessage) {
        return update("UPDATE instances SET error_code = ?, error_message = ?, last_health_at = now(),"
                + " claimed_by = NULL, claimed_until = NULL WHERE id = ? AND claimed_by = ?",
                errorCode, errorMessage, id, node) == 1;
    }

    /** A watchdog pass found the server alive: stamp it, claim released. */
    boolean recordWatchdog(UUID id, String node) {
        return update("UPDATE instances SET last_watchdog_at = now(), claimed_by = NULL, claimed_until = NULL"
                + " WHERE id = ? AND claimed_by = ?", id, node) == 1;
    }

    /** The server is gone or was terminated: terminated, with the reason when there is one. */
    boolean markTerminated(UUID id, String node, String errorCode, String errorMessage) {
        return update("UPDATE instances SET status = 'terminated', server_state = NULL, ip = NULL,"
                + " error_code = coalesce(?, error_code), error_message = coalesce(?, error_message),"
                + " claimed_by = NULL, claimed_until = NULL, updated_at = now() WHERE id = ? AND claimed_by = ?",
                errorCode, errorMessage, id, node) == 1;
    }

    /**
     * Asks for termination (API {@code DELETE}): ready, failed and unclaimed provisioning instances move to
     * {@code terminating}; the terminator job does the rest.
     *
     * @return the instance after the request, or empty if it does not exist
     */
    Optional<Instance> requestTermination(UUID id) {
        update("UPDATE instances SET status = 'terminating', updated_at = now() WHERE id = ?"
                + " AND (status IN ('ready', 'failed') OR (status = 'provisioning' AND claimed_by IS NULL))", id);
        return find(id);
    }

    private int update(String sql, Object... args) {
        return Sql.withConnection(dataSource, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < args.length; i++) {
                    ps.setObject(i + 1, args[i]);
                }
                return ps.executeUpdate();
            }
        });
    }

    private static String prefixed(String prefix) {
        StringBuilder out = new StringBuilder();
        for (String column : COLUMNS.split(",\\s*")) {
            out.append(out.length() == 0 ? "" : ", ").append(prefix).append(column);
        }
        return out.toString();
    }

    private static List<Instance> readAll(PreparedStatement ps) throws SQLException {
        List<Instance> result = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                result.add(read(rs));
            }
        }
        return result;
    }

    private static Instance read(ResultSet rs) throws SQLException {
        UUID org = rs.getObject("organization_id", UUID.class);
        int size = rs.getInt("volume_size_gb");
        Integer volumeSize = rs.wasNull() ? null : size;
        return new Instance(
                rs.getObject("id", UUID.class),
                rs.getObject("deployment_id", UUID.class),
                org == null ? null : OrganizationId.of(org),
                rs.getString("name"),
                rs.getString("zone"),
                rs.getString("commercial_type"),
                rs.getInt("requested_volume_size_gb"),
                Instance.Status.of(rs.getString("status")),
                rs.getString("error_code"),
                rs.getString("error_message"),
                rs.getString("provider_server_id"),
                rs.getString("boot_volume_id"),
                volumeSize,
                rs.getBoolean("delete_volumes_on_terminate"),
                rs.getString("server_state"),
                rs.getString("ip"),
                instant(rs.getTimestamp("last_health_at")),
                rs.getInt("attempts"),
                rs.getString("claimed_by"),
                instant(rs.getTimestamp("claimed_until")),
                instant(rs.getTimestamp("created_at")),
                instant(rs.getTimestamp("updated_at")));
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
