package dev.providersettings.scaleway.fake;

import java.util.Map;
import java.util.TimeZone;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Run in a JVM of its own by {@link FakeProcessTest}: starts and uses a fake the way a library user does, and prints
 * every system property that changed meanwhile ({@code name=before->after}), then {@code done}.
 */
final class SystemPropertiesProbe {
    private SystemPropertiesProbe() {
    }

    public static void main(String[] args) {
        // The JDK records user.timezone the first time anything asks for the default zone; do it before the snapshot.
        TimeZone.getDefault();
        Map<String, String> before = snapshot();
        try (FakeScaleway fake = FakeScaleway.start()) {
            UUID org = UUID.randomUUID();
            fake.addApiKey("SCWPROBE000000000000", UUID.randomUUID().toString(), org, org);
            fake.faults().rateLimit(1);
        }
        Map<String, String> after = snapshot();
        after.forEach((k, v) -> {
            if (!v.equals(before.get(k))) {
                System.out.println(k + "=" + before.get(k) + "->" + v);
            }
        });
        before.keySet().stream().filter(k -> !after.containsKey(k)).forEach(k -> System.out.println(k + " removed"));
        System.out.println("done");
    }

    private static Map<String, String> snapshot() {
        Map<String, String> m = new TreeMap<>();
        System.getProperties().stringPropertyNames().forEach(n -> m.put(n, System.getProperty(n)));
        return m;
    }
}
