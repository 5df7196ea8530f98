package dev.providersettings.scaleway.fake;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** The fake's mutable state objects. Guarded by the {@link FakeApi} lock; never handed out. */
final class Model {
    private Model() {
    }

    static final class Project {
        UUID id;
        UUID orgId;
        String name;
        Instant created;
    }

    static final class ApiKey {
        String accessKey;
        String secretKey;
        UUID defaultProjectId;
        UUID orgId;
        UUID applicationId;
        UUID userId;
        boolean iamRead = true;
        boolean expired;
        Set<UUID> projects; // null = every project of the organization
        Instant created;
    }

    static final class Application {
        UUID id;
        UUID orgId;
        String name;
        Instant created;
    }

    static final class User {
        UUID id;
        UUID orgId;
        String email;
        Instant created;
    }

    static final class Image {
        UUID id;
        String name;
        String arch;
        UUID rootSnapshotId;
        Instant created;
    }

    /** A pending volume change that completes at {@code due} (resize or IOPS change). */
    static final class PendingUpdate {
        Instant due;
        Long newSize;
        Integer newIops;
        String resumeStatus;
    }

    static final class Volume {
        UUID id;
        String zone;
        String name;
        long size;
        int perfIops;
        UUID projectId;
        Instant created;
        Instant updated;
        Instant readyAt; // while creating
        String status;
        List<String> tags = new ArrayList<>();
        UUID parentSnapshotId;
        Instant lastDetachedAt;
        UUID referenceId;
        UUID serverId;
        Instant referenceCreated;
        PendingUpdate pending;
    }

    static final class Snapshot {
        UUID id;
        String zone;
        String name;
        long size;
        UUID projectId;
        UUID parentVolumeId;
        String parentVolumeName;
        String parentVolumeType;
        Instant created;
        Instant updated;
        Instant readyAt;
        String status;
        List<String> tags = new ArrayList<>();
    }

    static final class ServerVolume {
        UUID id;
        String type; // sbs_volume | l_ssd
        boolean boot;
        long size;   // l_ssd only
        String name; // l_ssd only
        Instant created;
    }

    static final class Server {
        UUID id;
        String zone;
        String name;
        String commercialType;
        String arch;
        String bootType;
        UUID projectId;
        UUID orgId;
        Image image;
        Map<String, ServerVolume> volumes = new LinkedHashMap<>();
        List<String> tags = new ArrayList<>();
        String state;
        String stateDetail;
        boolean dynamicIp;
        boolean protectedFlag;
        UUID publicIpId;
        String publicIpAddress;
        String macAddress;
        UUID securityGroupId;
        Instant created;
        Instant modified;
        String nextState;   // state reached at transitionDue
        Instant transitionDue;
        boolean terminating;
        int nodeId;
    }
}
