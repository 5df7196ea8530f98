package dev.providersettings.examples.orchestrator;

import dev.providersettings.OrganizationId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * What the jobs did, in the {@code job_events} table (shared by every node) and in the log. Messages name the
 * credentials a call used by access key and secret fingerprint only, never the secret.
 */
final class EventLog {
    private static final Logger LOG = LoggerFactory.getLogger(EventLog.class);
    private final DataSource dataSource;
    private final String node;

    EventLog(DataSource dataSource, String node) {
        this.dataSource = dataSource;
        this.node = node;
    }

    void record(String job, UUID instance, OrganizationId organization, String message) {
        LOG.info("[{}] {} instance={} organization={}: {}", node, job, instance, organization, message);
        try {
            Sql.withConnection(dataSource, c -> {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO job_events (node, job, instance_id,"
                        + " organization_id, message) VALUES (?, ?, ?, ?, ?)")) {
                    ps.setString(1, node);
                    ps.setString(2, job);
                    ps.setObject(3, instance);
                    ps.setObject(4, organization == null ? null : organization.value());
                    ps.setString(5, message);
                    return ps.executeUpdate();
                }
            });
        } catch (RuntimeException e) {
            // The event trail is informative; losing one entry must not fail the job that did the work.
            LOG.warn("[{}] could not record a job event: {}", node, e.toString());
        }
    }

    /** One recorded event. */
    record Event(long id, Instant at, String node, String job, UUID instance, UUID organization, String message) {
    }

    /** Events after {@code afterId}, oldest first. */
    static List<Event> since(DataSource dataSource, long afterId) {
        return Sql.withConnection(dataSource, c -> {
            List<Event> events = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT id, at, node, job, instance_id, organization_id,"
                    + " message FROM job_events WHERE id > ? ORDER BY id")) {
                ps.setLong(1, afterId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        events.add(new Event(rs.getLong(1), rs.getTimestamp(2).toInstant(), rs.getString(3),
                                rs.getString(4), rs.getObject(5, UUID.class), rs.getObject(6, UUID.class),
                                rs.getString(7)));
                    }
                }
            }
            return events;
        });
    }
}
