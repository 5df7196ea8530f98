package dev.providersettings.examples.orchestrator;

import dev.providersettings.OrganizationId;
import dev.providersettings.scaleway.ScalewayNotFoundException;
import dev.providersettings.scaleway.ScalewayProvider;
import dev.providersettings.scaleway.Volume;
import dev.providersettings.scaleway.VolumeFilter;

import javax.sql.DataSource;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Per organization (claimed like instances, in {@code organization_jobs}), lists the volumes of the organization's
 * Scaleway project in every zone its instances use, with the organization's own provider, and finds orphans:
 * unattached volumes no live instance references.
 * <ul>
 *   <li>The boot volume of a terminated instance that asked for its volumes to be deleted (the terminator was
 *       interrupted between terminating the server and deleting the volume) is deleted — or only reported when
 *       {@code orchestrator.reconcile.delete=false}.</li>
 *   <li>Volumes the orchestrator never created are reported, never deleted: they may be someone's data.</li>
 * </ul>
 * Organizations without credentials are skipped (they can have no volumes created by us).
 */
final class VolumeReconciliationJob implements Job {
    static final String NAME = "volume-reconciliation";
    private final JobContext context;
    private final DataSource dataSource;
    private final Duration interval;

    VolumeReconciliationJob(JobContext context, DataSource dataSource, Duration interval) {
        this.context = context;
        this.dataSource = dataSource;
        this.interval = interval;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int runOnce() {
        List<OrganizationId> claimed = claimOrganizations(5);
        for (OrganizationId organization : claimed) {
            try {
                reconcile(organization);
            } catch (RuntimeException e) {
                context.events().record(NAME, null, organization, "reconciliation failed, will retry: " + e.getMessage());
            } finally {
                complete(organization);
            }
        }
        return claimed.size();
    }

    /** What one pass found for one organization (returned for tests). */
    record Outcome(List<String> deleted, List<String> reported) {
    }

    Outcome reconcile(OrganizationId organization) {
        List<String> deleted = new ArrayList<>();
        List<String> reported = new ArrayList<>();
        ProviderResolution resolution = ProviderResolution.resolve(context, organization, "organization " + organization);
        if (!resolution.ok()) {
            return new Outcome(deleted, reported);
        }
        ScalewayProvider scaleway = resolution.provider();
        Map<String, VolumeOwner> owners = volumeOwners(organization);
        for (String zone : zones(organization)) {
            for (Volume volume : scaleway.listVolumes(zone, VolumeFilter.project(scaleway.projectId().toString()))) {
                if (!"available".equals(volume.status()) || !volume.references().isEmpty()) {
                    continue; // attached or busy: not an orphan
                }
                VolumeOwner owner = owners.get(volume.id());
                if (owner != null && owner.live()) {
                    continue;
                }
                if (owner != null && owner.deleteOnTerminate() && context.config().deleteOrphanVolumes()) {
                    try {
                        scaleway.deleteVolume(zone, volume.id());
                        deleted.add(volume.id());
                        context.events().record(NAME, owner.instance(), organization, "deleted orphan boot volume "
                                + volume.id() + " of terminated instance " + owner.instance() + " with "
                                + ProviderResolution.credentials(scaleway));
                    } catch (ScalewayNotFoundException e) {
                        // deleted meanwhile: nothing to do
                    }
                } else if (owner == null || owner.deleteOnTerminate()) {
                    reported.add(volume.id());
                    context.events().record(NAME, owner == null ? null : owner.instance(), organization,
                            "orphan volume " + volume.id() + " (" + volume.name() + ", " + volume.size() / ScalewayProvider.GB
                                    + " GB) in " + zone + (owner == null ? " was not created by the orchestrator: reported, not deleted"
                                    : ": reported (orchestrator.reconcile.delete=false)"));
                }
                // A terminated instance that kept its volume on purpose: not an orphan.
            }
        }
        return new Outcome(deleted, reported);
    }

    /** Who references each volume id of the organization. */
    private record VolumeOwner(UUID instance, boolean live, boolean deleteOnTerminate) {
    }

    private Map<String, VolumeOwner> volumeOwners(OrganizationId organization) {
        return Sql.withConnection(dataSource, c -> {
            Map<String, VolumeOwner> owners = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT boot_volume_id, id, status, delete_volumes_on_terminate"
                    + " FROM instances WHERE organization_id = ? AND boot_volume_id IS NOT NULL")) {
                ps.setObject(1, organization.value());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        boolean live = !"terminated".equals(rs.getString(3));
                        VolumeOwner owner = new VolumeOwner(rs.getObject(2, UUID.class), live, rs.getBoolean(4));
                        // A live reference wins over a terminated one (a volume re-used by a new instance).
                        owners.merge(rs.getString(1), owner, (a, b) -> a.live() ? a : b);
                    }
                }
            }
            return owners;
        });
    }

    private List<String> zones(OrganizationId organization) {
        return Sql.withConnection(dataSource, c -> {
            List<String> zones = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT DISTINCT zone FROM instances WHERE organization_id = ? ORDER BY zone")) {
                ps.setObject(1, organization.value());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        zones.add(rs.getString(1));
                    }
                }
            }
            return zones;
        });
    }

    /** Claims organizations whose last reconciliation is older than the interval, like instances are claimed. */
    private List<OrganizationId> claimOrganizations(int limit) {
        return Sql.withConnection(dataSource, c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO organization_jobs (organization_id, job)"
                    + " SELECT DISTINCT organization_id, ? FROM instances WHERE organization_id IS NOT NULL"
                    + " ON CONFLICT DO NOTHING")) {
                ps.setString(1, NAME);
                ps.executeUpdate();
            }
            List<OrganizationId> claimed = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("UPDATE organization_jobs j SET claimed_by = ?,"
                    + " claimed_until = now() + make_interval(secs => ?)"
                    + " FROM (SELECT organization_id FROM organization_jobs WHERE job = ?"
                    + " AND (last_run_at IS NULL OR last_run_at < now() - make_interval(secs => ?))"
                    + " AND (claimed_until IS NULL OR claimed_until < now())"
                    + " ORDER BY last_run_at NULLS FIRST, organization_id LIMIT ? FOR UPDATE SKIP LOCKED) due"
                    + " WHERE j.job = ? AND j.organization_id = due.organization_id RETURNING j.organization_id")) {
                ps.setString(1, context.node());
                ps.setDouble(2, context.lease().toMillis() / 1000.0);
                ps.setString(3, NAME);
                ps.setDouble(4, interval.toMillis() / 1000.0);
                ps.setInt(5, limit);
                ps.setString(6, NAME);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        claimed.add(OrganizationId.of(rs.getObject(1, UUID.class)));
                    }
                }
            }
            return claimed;
        });
    }

    private void complete(OrganizationId organization) {
        Sql.withConnection(dataSource, c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE organization_jobs SET last_run_at = now(),"
                    + " claimed_by = NULL, claimed_until = NULL WHERE organization_id = ? AND job = ? AND claimed_by = ?")) {
                ps.setObject(1, organization.value());
                ps.setString(2, NAME);
                ps.setString(3, context.node());
                return ps.executeUpdate();
            }
        });
    }
}
