package dev.providersettings.testing;

import dev.providersettings.OrganizationId;
import dev.providersettings.ProbeResult;
import dev.providersettings.ProviderCode;
import dev.providersettings.ProviderSettings;
import dev.providersettings.Secret;
import dev.providersettings.SettingDefinition;
import dev.providersettings.SettingRule;
import dev.providersettings.SettingsUpdate;
import dev.providersettings.spi.ProviderFactory;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A provider factory for tests ({@code testcloud}), shaped like the Scaleway one: a project id (UUID), an access key,
 * a secret key, a region with a default, plus optional integer, boolean and JSON settings. It counts
 * {@code create} calls, keeps every client it made, can be told to fail or to block, and probes by rejecting
 * secret keys that start with {@code bad}.
 *
 * <p>{@link #credentials} builds a complete update whose values are derived from the organization id and a
 * generation tag, so a test can tell whose keys (and which generation of them) a client carries.
 */
public final class TestProviderFactory implements ProviderFactory<TestClient> {
    public static final String CODE = "testcloud";
    public static final String PROJECT_ID = "TESTCLOUD_PROJECT_ID";
    public static final String ACCESS_KEY = "TESTCLOUD_ACCESS_KEY";
    public static final String SECRET_KEY = "TESTCLOUD_SECRET_KEY";
    public static final String REGION = "TESTCLOUD_REGION";
    public static final String TIMEOUT_SECONDS = "TESTCLOUD_TIMEOUT_SECONDS";
    public static final String VERBOSE = "TESTCLOUD_VERBOSE";
    public static final String TAGS = "TESTCLOUD_TAGS";

    private final ProviderCode code;
    private final AtomicInteger creates = new AtomicInteger();
    private final Queue<TestClient> clients = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile RuntimeException failure;
    private volatile Consumer<ProviderSettings> onCreate = settings -> { };

    public TestProviderFactory() {
        this(CODE);
    }

    /** A factory with another code (to test duplicates and several providers). */
    public TestProviderFactory(String code) {
        this.code = ProviderCode.of(code);
    }

    @Override
    public ProviderCode code() {
        return code;
    }

    @Override
    public Class<TestClient> clientType() {
        return TestClient.class;
    }

    @Override
    public List<SettingDefinition> settings() {
        return List.of(
                SettingDefinition.text(PROJECT_ID).required().rule(SettingRule.uuid())
                        .secretFile("testcloud_project_id").environment("TESTCLOUD_PROJECT", "TC_PROJECT_ID"),
                SettingDefinition.text(ACCESS_KEY).required().maxLength(64)
                        .secretFile("testcloud_access_key").environment("TC_ACCESS_KEY"),
                SettingDefinition.secret(SECRET_KEY).required().maxLength(128)
                        .secretFile("testcloud_secret_key").environment("TC_SECRET_KEY"),
                SettingDefinition.text(REGION).defaultValue("fr-par").rule(SettingRule.oneOf("fr-par", "nl-ams", "pl-waw")),
                SettingDefinition.integer(TIMEOUT_SECONDS).rule(SettingRule.range(1, 300)).environment("TC_TIMEOUT"),
                SettingDefinition.bool(VERBOSE).environment("TC_VERBOSE"),
                SettingDefinition.json(TAGS).maxLength(256));
    }

    @Override
    public TestClient create(ProviderSettings settings) {
        creates.incrementAndGet();
        onCreate.accept(settings);
        RuntimeException fail = failure;
        if (fail != null) {
            throw fail;
        }
        TestClient client = new TestClient(settings.organization(), settings.text(PROJECT_ID), settings.text(ACCESS_KEY),
                settings.secret(SECRET_KEY), settings.text(REGION));
        clients.add(client);
        return client;
    }

    @Override
    public ProbeResult probe(ProviderSettings settings) {
        return settings.secret(SECRET_KEY).reveal().startsWith("bad")
                ? ProbeResult.failed("secret_key_accepted", "the test cloud rejected the secret key")
                : ProbeResult.passed("the test cloud accepted the credentials");
    }

    /** A complete update for an organization: every required value derived from the organization and {@code generation}. */
    public static SettingsUpdate credentials(OrganizationId organization, String generation) {
        return SettingsUpdate.builder()
                .set(PROJECT_ID, projectId(organization))
                .set(ACCESS_KEY, accessKey(organization, generation))
                .setSecret(SECRET_KEY, secretKey(organization, generation))
                .build();
    }

    /** The project id {@link #credentials} writes for the organization (a UUID derived from its id). */
    public static String projectId(OrganizationId organization) {
        return UUID.nameUUIDFromBytes(("project-" + organization).getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** The access key {@link #credentials} writes for the organization and generation. */
    public static String accessKey(OrganizationId organization, String generation) {
        return "AK-" + organization.value().toString().substring(0, 8) + "-" + generation;
    }

    /** The secret key {@link #credentials} writes for the organization and generation. */
    public static Secret secretKey(OrganizationId organization, String generation) {
        return Secret.of("sk-" + organization + "-" + generation + "-s3cr3t");
    }

    /** How many times {@link #create} was called. */
    public int createCount() {
        return creates.get();
    }

    /** Every client created so far. */
    public List<TestClient> clients() {
        return List.copyOf(clients);
    }

    /** Makes {@link #create} throw (null: stop failing). */
    public void failWith(RuntimeException exception) {
        this.failure = exception;
    }

    /** Runs before each create (to block, count or interleave in tests). */
    public void onCreate(Consumer<ProviderSettings> action) {
        this.onCreate = action;
    }

    /** Blocks each create until the latch opens (bounded, so a broken test cannot hang). */
    public void blockCreatesUntil(CountDownLatch latch) {
        onCreate(settings -> {
            try {
                if (!latch.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("test latch never opened");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        });
    }

    public boolean isClosed() {
        return closed.get();
    }

    @Override
    public void close() {
        closed.set(true);
    }
}
