package dev.providersettings.scaleway.fake;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.TreeMap;

/**
 * The server-type catalog served by {@code GET /instance/v1/zones/{zone}/products/servers}. Each entry has the
 * field set of the recorded catalog; the figures of DEV1-S, PRO2-XS and L4-1-24G are those recorded in fr-par-1,
 * the others are plausible values (GPU-3070-S and H100-1-80G are not sold in fr-par-1 and were not recorded).
 */
final class ServerTypes {
    private static final long GIB = 1L << 30;

    private ServerTypes() {
    }

    static Map<String, ObjectNode> defaults() {
        Map<String, ObjectNode> m = new TreeMap<>();
        m.put("DEV1-S", type(2, 2 * GIB, 0, null, 0, 0.008976, 6.55248, 20_000_000_000L, 200_000_000L, 104_857_600L, 0));
        m.put("PRO2-XS", type(4, 16 * GIB, 0, null, 0, 0.1122, 81.906, 0, 700_000_000L, 262_144_000L, 0));
        m.put("L4-1-24G", type(8, 48 * GIB, 1, "L4", 24 * GIB, 0.7875, 574.875, 0, 2_500_000_000L, 1_048_576_000L, 2));
        m.put("GPU-3070-S", type(8, 16 * GIB, 1, "RTX 3070", 8 * GIB, 0.98, 715.4, 0, 1_000_000_000L, 1_048_576_000L, 0));
        m.put("H100-1-80G", type(24, 240 * GIB, 1, "H100", 80 * GIB, 2.73, 1992.9, 0, 10_000_000_000L, 2_097_152_000L, 2));
        return m;
    }

    static ObjectNode type(int ncpus, long ram, int gpus, String gpuName, long gpuMemory, double hourly, double monthly,
            long maxLocalVolumes, long bandwidth, long blockBandwidth, int maxFileSystems) {
        ObjectNode t = Json.object();
        t.putArray("alt_names");
        t.put("arch", "x86_64");
        t.put("ncpus", ncpus);
        t.put("ram", ram);
        t.put("gpu", gpus);
        if (gpuName == null) {
            t.putNull("gpu_info");
        } else {
            ObjectNode g = t.putObject("gpu_info");
            g.put("gpu_manufacturer", "NVIDIA");
            g.put("gpu_name", gpuName);
            g.put("gpu_memory", gpuMemory);
        }
        t.putNull("mig_profile");
        ObjectNode vc = t.putObject("volumes_constraint");
        vc.put("min_size", 0L);
        vc.put("max_size", maxLocalVolumes);
        ObjectNode lssd = t.putObject("per_volume_constraint").putObject("l_ssd");
        lssd.put("min_size", maxLocalVolumes > 0 ? 1_000_000_000L : 0L);
        lssd.put("max_size", maxLocalVolumes > 0 ? 800_000_000_000L : 0L);
        t.put("scratch_storage_max_size", 0L);
        t.put("scratch_storage_max_volumes_count", 0);
        t.put("monthly_price", monthly);
        t.put("hourly_price", hourly);
        ObjectNode cap = t.putObject("capabilities");
        cap.putArray("boot_types").add("local").add("rescue");
        cap.put("placement_groups", true);
        cap.put("block_storage", true);
        cap.put("hot_snapshots_local_volume", maxLocalVolumes > 0);
        cap.put("private_network", 8);
        cap.put("max_file_systems", maxFileSystems);
        ObjectNode net = t.putObject("network");
        net.put("ipv6_support", true);
        net.put("sum_internal_bandwidth", bandwidth);
        net.put("sum_internet_bandwidth", bandwidth);
        ObjectNode itf = net.putArray("interfaces").addObject();
        itf.put("internal_bandwidth", bandwidth);
        itf.put("internet_bandwidth", bandwidth);
        t.put("block_bandwidth", blockBandwidth);
        t.put("end_of_service", false);
        return t;
    }
}
