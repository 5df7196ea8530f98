package dev.providersettings.scaleway.fake;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.providersettings.scaleway.fake.Model.ApiKey;
import dev.providersettings.scaleway.fake.Model.Application;
import dev.providersettings.scaleway.fake.Model.Image;
import dev.providersettings.scaleway.fake.Model.Project;
import dev.providersettings.scaleway.fake.Model.Server;
import dev.providersettings.scaleway.fake.Model.ServerVolume;
import dev.providersettings.scaleway.fake.Model.Snapshot;
import dev.providersettings.scaleway.fake.Model.User;
import dev.providersettings.scaleway.fake.Model.Volume;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

/**
 * The JSON the real APIs answer for each object, field by field in the recorded order. Pure functions of the
 * model objects: rendering never changes state.
 */
final class Render {
    /** The owner of Scaleway's public images, as recorded. */
    private static final String SCALEWAY_IMAGES_OWNER = "51b656e3-4865-41e8-adbc-0c45bdd780db";

    private Render() {
    }

    // ------------------------------------------------------------------ Instance

    static ObjectNode server(Server s) {
        ObjectNode n = Json.object();
        n.put("id", s.id.toString());
        n.put("name", s.name);
        n.put("arch", s.arch);
        n.put("commercial_type", s.commercialType);
        n.put("boot_type", s.bootType);
        n.put("organization", s.orgId.toString());
        n.put("project", s.projectId.toString());
        n.put("hostname", s.name);
        if (s.image == null) {
            n.putNull("image");
        } else {
            n.set("image", image(s.image, s.zone));
        }
        ObjectNode vols = n.putObject("volumes");
        s.volumes.forEach((k, sv) -> {
            if (sv.type.equals("l_ssd")) {
                vols.set(k, localVolume(s, sv));
                return;
            }
            ObjectNode v = vols.putObject(k);
            v.put("boot", sv.boot);
            v.put("volume_type", "sbs_volume");
            v.put("id", sv.id.toString());
            v.put("state", "available"); // recorded: "available" even while attached to a running server
            v.put("zone", s.zone);
        });
        n.set("tags", Json.strings(s.tags));
        n.put("state", s.state);
        n.put("protected", s.protectedFlag);
        n.put("state_detail", s.stateDetail);
        if (s.publicIpId == null) {
            n.putNull("public_ip");
            n.putArray("public_ips");
        } else {
            n.set("public_ip", ip(s));
            n.putArray("public_ips").add(ip(s));
        }
        n.put("mac_address", s.macAddress);
        n.put("routed_ip_enabled", true);
        n.putNull("ipv6");
        n.putArray("extra_networks");
        n.put("dynamic_ip_required", s.dynamicIp);
        n.put("enable_ipv6", false);
        n.putNull("private_ip");
        n.put("creation_date", Json.instanceTime(s.created));
        n.put("modification_date", Json.instanceTime(s.modified));
        n.putNull("bootscript");
        ObjectNode sg = n.putObject("security_group");
        sg.put("id", s.securityGroupId.toString());
        sg.put("name", "Default security group");
        if (s.state.equals("running") || (s.state.equals("stopping") && s.nodeId > 0)) {
            ObjectNode loc = n.putObject("location");
            loc.put("zone_id", s.zone);
            loc.put("platform_id", "14");
            loc.put("cluster_id", "16");
            loc.put("hypervisor_id", "301");
            loc.put("node_id", Integer.toString(s.nodeId));
        } else {
            n.putNull("location");
        }
        n.putArray("maintenances");
        n.set("allowed_actions", Json.strings(ServerAction.allowedActions(s)));
        n.putNull("placement_group");
        n.putArray("private_nics");
        n.put("zone", s.zone);
        n.putArray("filesystems");
        n.put("end_of_service", false);
        n.put("dns", s.id + ".pub.instances.scw.cloud");
        return n;
    }

    private static ObjectNode ip(Server s) {
        ObjectNode ip = Json.object();
        ip.put("id", s.publicIpId.toString());
        ip.put("address", s.publicIpAddress);
        ip.put("dynamic", true);
        ip.put("gateway", "62.210.0.1");
        ip.put("netmask", "32");
        ip.put("family", "inet");
        ip.put("provisioning_mode", "dhcp");
        ip.putArray("tags");
        ip.put("state", "attached");
        ip.put("ipam_id", UUID.nameUUIDFromBytes(s.publicIpId.toString().getBytes(StandardCharsets.UTF_8)).toString());
        return ip;
    }

    private static ObjectNode image(Image i, String zone) {
        ObjectNode n = Json.object();
        n.put("id", i.id.toString());
        n.put("name", i.name);
        n.put("organization", SCALEWAY_IMAGES_OWNER);
        n.put("project", SCALEWAY_IMAGES_OWNER);
        ObjectNode root = n.putObject("root_volume");
        root.put("volume_type", "sbs_snapshot");
        root.put("id", i.rootSnapshotId.toString());
        root.put("size", 0);
        root.put("name", "");
        n.putObject("extra_volumes");
        n.put("public", true);
        n.put("arch", i.arch);
        n.put("creation_date", Json.instanceTime(i.created));
        n.put("modification_date", Json.instanceTime(i.created));
        n.putNull("default_bootscript");
        n.put("from_server", "");
        n.put("state", "available");
        n.putArray("tags");
        n.put("zone", zone);
        return n;
    }

    static ObjectNode localVolume(Server s, ServerVolume sv) {
        ObjectNode v = Json.object();
        v.put("boot", sv.boot);
        v.put("id", sv.id.toString());
        v.put("name", sv.name);
        v.putNull("export_uri");
        v.put("size", sv.size);
        v.put("volume_type", "l_ssd");
        v.put("creation_date", Json.instanceTime(sv.created));
        v.put("modification_date", Json.instanceTime(sv.created));
        v.put("organization", s.orgId.toString());
        v.put("project", s.projectId.toString());
        v.putArray("tags");
        ObjectNode srv = v.putObject("server");
        srv.put("id", s.id.toString());
        srv.put("name", s.name);
        v.put("state", "available");
        v.put("zone", s.zone);
        return v;
    }

    /** The task a server action answers with; the fake never updates it after {@code pending}. */
    static ObjectNode task(UUID serverId, String action, String zone, Instant now) {
        ObjectNode task = Json.object();
        task.put("id", UUID.randomUUID().toString());
        task.put("description", "server_" + action);
        task.put("status", "pending");
        task.put("href_from", "/servers/" + serverId + "/action");
        task.put("href_result", "/servers/" + serverId);
        task.put("started_at", Json.instanceTime(now));
        task.putNull("terminated_at");
        task.put("progress", 0);
        task.put("zone", zone);
        return task;
    }

    // ------------------------------------------------------------------ Block

    static ObjectNode volume(Volume v, boolean v1) {
        ObjectNode n = Json.object();
        n.put("id", v.id.toString());
        n.put("name", v.name);
        n.put("type", volumeType(v));
        n.put("size", v.size);
        n.put("project_id", v.projectId.toString());
        n.put("created_at", Json.blockTime(v.created));
        n.put("updated_at", Json.blockTime(v.updated));
        ArrayNode refs = n.putArray("references");
        if (v.serverId != null) {
            ObjectNode r = refs.addObject();
            r.put("id", v.referenceId.toString());
            r.put("product_resource_type", "instance_server");
            r.put("product_resource_id", v.serverId.toString());
            r.put("created_at", Json.blockTime(v.referenceCreated));
            r.put("type", "exclusive");
            r.put("status", "attached");
        }
        if (v.parentSnapshotId == null) {
            n.putNull("parent_snapshot_id");
        } else {
            n.put("parent_snapshot_id", v.parentSnapshotId.toString());
        }
        n.put("status", v.status);
        n.set("tags", Json.strings(v.tags));
        ObjectNode specs = n.putObject("specs");
        specs.put("perf_iops", v.perfIops);
        specs.put("class", "sbs");
        n.put("last_detached_at", Json.blockTime(v.lastDetachedAt));
        if (v1) {
            n.putNull("kms_key_id"); // recorded in block/v1 (2026) but not in the v1alpha1 recording (2025)
        }
        n.put("zone", v.zone);
        return n;
    }

    /** The volume's type name, from its IOPS class. */
    static String volumeType(Volume v) {
        return v.perfIops >= 15000 ? "sbs_15k" : "sbs_5k";
    }

    /** A snapshot; {@code parent} is its volume if it still exists. */
    static ObjectNode snapshot(Snapshot s, Volume parent) {
        ObjectNode n = Json.object();
        n.put("id", s.id.toString());
        n.put("name", s.name);
        ObjectNode pv = n.putObject("parent_volume");
        pv.put("id", s.parentVolumeId.toString());
        pv.put("name", s.parentVolumeName);
        pv.put("type", s.parentVolumeType);
        pv.put("status", parent == null ? "deleted" : parent.status);
        n.put("size", s.size);
        n.put("project_id", s.projectId.toString());
        n.put("created_at", Json.blockTime(s.created));
        n.put("updated_at", Json.blockTime(s.updated));
        n.putArray("references");
        n.put("status", s.status);
        n.set("tags", Json.strings(s.tags));
        n.put("zone", s.zone);
        n.put("class", "sbs");
        return n;
    }

    // ------------------------------------------------------------------ IAM and Account

    static ObjectNode apiKey(ApiKey k) {
        ObjectNode n = Json.object();
        n.put("access_key", k.accessKey);
        n.putNull("secret_key"); // the secret is only ever shown when a key is created
        if (k.applicationId != null) {
            n.put("application_id", k.applicationId.toString());
        } else {
            n.put("user_id", k.userId.toString());
        }
        n.put("description", "");
        n.put("created_at", Json.blockTime(k.created));
        n.put("updated_at", Json.blockTime(k.created));
        n.putNull("expires_at");
        n.put("default_project_id", k.defaultProjectId.toString());
        n.put("editable", true);
        n.put("deletable", true);
        n.put("managed", false);
        n.put("creation_ip", "");
        return n;
    }

    static ObjectNode application(Application a, long apiKeys) {
        ObjectNode n = Json.object();
        n.put("id", a.id.toString());
        n.put("name", a.name);
        n.put("description", "");
        n.put("created_at", Json.blockTime(a.created));
        n.put("updated_at", Json.blockTime(a.created));
        n.put("organization_id", a.orgId.toString());
        n.put("editable", true);
        n.put("deletable", true);
        n.put("managed", false);
        n.put("nb_api_keys", apiKeys);
        n.putArray("tags");
        return n;
    }

    static ObjectNode user(User u) {
        ObjectNode n = Json.object();
        n.put("id", u.id.toString());
        n.put("email", u.email);
        n.put("username", u.email);
        n.put("organization_id", u.orgId.toString());
        n.put("created_at", Json.blockTime(u.created));
        n.put("updated_at", Json.blockTime(u.created));
        n.put("deletable", true);
        n.putNull("last_login_at");
        n.put("type", "member");
        n.put("status", "activated");
        n.put("mfa", false);
        n.put("account_root_user_id", u.id.toString());
        n.putArray("tags");
        n.put("locked", false);
        return n;
    }

    static ObjectNode project(Project p) {
        ObjectNode n = Json.object();
        n.put("created_at", Json.blockTime(p.created));
        n.put("description", "");
        n.put("id", p.id.toString());
        n.put("name", p.name);
        n.put("organization_id", p.orgId.toString());
        n.putObject("qualification").put("architecture_type", "unknown_architecture_type");
        n.put("updated_at", Json.blockTime(p.created));
        return n;
    }
}
