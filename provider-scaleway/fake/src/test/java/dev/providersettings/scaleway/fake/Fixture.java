package dev.providersettings.scaleway.fake;

import java.util.UUID;

/** Two organizations with one key each, on one fake driven by a test clock. */
final class Fixture implements AutoCloseable {
    static final String ACCESS_A = "SCWAAAAAAAAAAAAAAAAA";
    static final String ACCESS_B = "SCWBBBBBBBBBBBBBBBBB";

    final TestClock clock = new TestClock();
    final FakeScaleway fake;
    final UUID orgA = UUID.randomUUID();
    final UUID orgB = UUID.randomUUID();
    final String secretA = UUID.randomUUID().toString();
    final String secretB = UUID.randomUUID().toString();
    final Http a;
    final Http b;

    Fixture() {
        fake = FakeScaleway.builder().clock(clock).build().start();
        fake.addApiKey(ACCESS_A, secretA, orgA, orgA);
        fake.addUserApiKey(ACCESS_B, secretB, orgB, orgB);
        a = new Http(fake.baseUrl(), secretA);
        b = new Http(fake.baseUrl(), secretB);
    }

    String volumeBody(UUID project, String name, long size) {
        return "{\"name\":\"" + name + "\",\"perf_iops\":5000,\"project_id\":\"" + project
                + "\",\"from_empty\":{\"size\":" + size + "},\"tags\":[]}";
    }

    String serverBody(UUID project, String name) {
        return "{\"name\":\"" + name + "\",\"dynamic_ip_required\":true,\"commercial_type\":\"DEV1-S\","
                + "\"image\":\"fc4d4e26-849d-4e03-b933-cb1626ca8cad\",\"volumes\":{\"0\":{\"boot\":false,"
                + "\"size\":10000000000,\"volume_type\":\"sbs_volume\"}},\"boot_type\":\"local\",\"project\":\""
                + project + "\",\"tags\":[\"gpu\",\"test\"]}";
    }

    @Override
    public void close() {
        fake.close();
    }
}
