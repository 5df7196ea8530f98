package dev.providersettings.testing;

import dev.providersettings.OrganizationId;
import dev.providersettings.Secret;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The client {@link TestProviderFactory} creates: it carries the organization's credentials, so tests can check that
 * every client holds exactly its own organization's keys, and records whether it was closed.
 */
public final class TestClient implements AutoCloseable {
    private final OrganizationId organization;
    private final String projectId;
    private final String accessKey;
    private final Secret secretKey;
    private final String region;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile RuntimeException closeFailure;

    TestClient(OrganizationId organization, String projectId, String accessKey, Secret secretKey, String region) {
        this.organization = organization;
        this.projectId = projectId;
        this.accessKey = accessKey;
        this.secretKey = secretKey;
        this.region = region;
    }

    public OrganizationId organization() {
        return organization;
    }

    public String projectId() {
        return projectId;
    }

    public String accessKey() {
        return accessKey;
    }

    public Secret secretKey() {
        return secretKey;
    }

    public String region() {
        return region;
    }

    public boolean isClosed() {
        return closed.get();
    }

    /** Makes {@link #close()} throw after marking the client closed (to test that failures are contained). */
    public void failOnClose(RuntimeException failure) {
        this.closeFailure = failure;
    }

    @Override
    public void close() {
        closed.set(true);
        RuntimeException failure = closeFailure;
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public String toString() {
        return "TestClient[" + organization + ", accessKey=" + accessKey + "]";
    }
}
