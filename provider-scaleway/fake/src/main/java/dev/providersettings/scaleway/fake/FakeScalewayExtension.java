package dev.providersettings.scaleway.fake;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A JUnit 5 extension that runs a {@link FakeScaleway} for a test class (or for each test), seeded with
 * organizations, projects and API keys, and injects it into test constructors and methods.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final FakeScalewayExtension scaleway = FakeScalewayExtension.builder()
 *         .apiKey("SCW0123456789ABCDEFGH", SECRET, ORGANIZATION)   // default project = the organization's id
 *         .build();
 *
 * @Test
 * void resizes(FakeScaleway fake) {                               // or scaleway.fake()
 *     ScalewayProviderFactory.builder().baseUrl(fake.baseUrl()).allowInsecureEndpoint(true).build() ...
 * }
 * }</pre>
 *
 * <p>Lifecycle:
 * <ul>
 *   <li>On a {@code static} field (or with {@code @ExtendWith(FakeScalewayExtension.class)}, which seeds nothing), one
 *       fake per test class: started and seeded before {@code @BeforeAll} methods, stopped after {@code @AfterAll}
 *       methods. Before each test its {@linkplain FakeScaleway#requests() recorded requests} and its armed
 *       {@linkplain FakeScaleway#faults() faults} are cleared, so a test sees only its own requests and never a fault
 *       armed by another; the resources tests create (servers, volumes, snapshots) stay for the class, like the
 *       seeded keys. {@code @Nested} classes share their enclosing class's fake.</li>
 *   <li>With {@link Builder#perTest()}, or on a non-static field, a fresh fake per test, started and seeded before
 *       {@code @BeforeEach} methods and stopped after {@code @AfterEach} methods: nothing is shared between tests.
 *       Take it as a parameter of test or {@code @BeforeEach} methods; it is not running yet when the constructor
 *       or {@code @BeforeAll} methods run.</li>
 * </ul>
 *
 * <p>Seeding happens in the order of the builder calls and fails the class (or the test) with the
 * {@link IllegalArgumentException} of the corresponding {@link FakeScaleway} method, for example an access key
 * registered twice; the fake is then stopped. Thread-safe: test classes and methods may run in parallel.
 */
public final class FakeScalewayExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
        AfterEachCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(FakeScalewayExtension.class);

    /** A started fake and the unique id of the context that started it (and stops it). */
    private record Running(FakeScaleway fake, String owner) {
    }

    private final FakeScaleway.Starter starter;
    private final List<Consumer<FakeScaleway>> seeds;
    private final boolean perTest;
    private final Set<FakeScaleway> started = ConcurrentHashMap.newKeySet();

    /** A fake per test class with the default settings and nothing seeded: for {@code @ExtendWith}. */
    public FakeScalewayExtension() {
        this(new Builder());
    }

    private FakeScalewayExtension(Builder b) {
        this.starter = b.starter;
        this.seeds = List.copyOf(b.seeds);
        this.perTest = b.perTest;
    }

    /** A builder for an extension with seeded keys, a configured fake, or a fake per test. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The fake currently running for this extension, for tests that read it from the field.
     *
     * @throws IllegalStateException if none is running (outside the class's or test's lifecycle), or several are
     *         (tests with {@link Builder#perTest()} running in parallel: take a {@link FakeScaleway} parameter instead)
     */
    public FakeScaleway fake() {
        List<FakeScaleway> now = new ArrayList<>(started);
        if (now.size() == 1) {
            return now.get(0);
        }
        throw new IllegalStateException(now.isEmpty()
                ? "no fake Scaleway API is running: fake() works only while a test class (or, with perTest(), a test) "
                        + "using this extension runs"
                : now.size() + " fake Scaleway APIs are running (perTest() with parallel tests): take FakeScaleway as "
                        + "a parameter of the test method instead of calling fake()");
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (!perTest && running(context) == null) {
            start(context);
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        Running r = running(context);
        if (r == null) {
            start(context); // perTest(), or registered on an instance field (no beforeAll then)
        } else {
            r.fake().clearRequests();
            r.fake().faults().clear();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        stopIfOwner(context);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stopIfOwner(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == FakeScaleway.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Running r = running(context);
        if (r == null) {
            throw new ParameterResolutionException("no fake Scaleway API is running yet for "
                    + parameter.getDeclaringExecutable() + ": with perTest() (or the extension on a non-static field) "
                    + "the fake starts before each test, so take FakeScaleway as a parameter of test or @BeforeEach "
                    + "methods, not of the constructor or @BeforeAll methods");
        }
        return r.fake();
    }

    private Running running(ExtensionContext context) {
        return context.getStore(NAMESPACE).get(this, Running.class); // also looks in enclosing contexts
    }

    private void start(ExtensionContext context) {
        FakeScaleway fake = starter.start();
        try {
            seeds.forEach(seed -> seed.accept(fake));
        } catch (RuntimeException e) {
            fake.close();
            throw e;
        }
        started.add(fake);
        context.getStore(NAMESPACE).put(this, new Running(fake, context.getUniqueId()));
    }

    private void stopIfOwner(ExtensionContext context) {
        Running r = running(context);
        if (r != null && r.owner().equals(context.getUniqueId())) {
            context.getStore(NAMESPACE).remove(this, Running.class);
            started.remove(r.fake());
            r.fake().close();
        }
    }

    @Override
    public String toString() {
        return "FakeScalewayExtension[" + (perTest ? "per test" : "per class") + ", " + seeds.size() + " seeds]";
    }

    /** Configuration of a {@link FakeScalewayExtension}. Seeds apply in the order they are added. */
    public static final class Builder {
        private FakeScaleway.Starter starter = FakeScaleway.builder().build();
        private final List<Consumer<FakeScaleway>> seeds = new ArrayList<>();
        private boolean perTest;

        private Builder() {
        }

        /**
         * The fake's settings (port, clock, transition delays, threads), e.g.
         * {@code .fake(FakeScaleway.builder().clock(clock).resizeDelay(Duration.ZERO).build())}. Default: a free port,
         * the system clock and the default delays.
         */
        public Builder fake(FakeScaleway.Starter settings) {
            this.starter = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /** Registers an organization and its default project (same UUID), see {@link FakeScaleway#addOrganization}. */
        public Builder organization(UUID organizationId) {
            Objects.requireNonNull(organizationId, "organizationId");
            seeds.add(fake -> fake.addOrganization(organizationId));
            return this;
        }

        /** Registers a project of an organization, see {@link FakeScaleway#addProject}. */
        public Builder project(UUID projectId, UUID organizationId) {
            Objects.requireNonNull(projectId, "projectId");
            Objects.requireNonNull(organizationId, "organizationId");
            seeds.add(fake -> fake.addProject(projectId, organizationId));
            return this;
        }

        /** An API key of an IAM application whose default project is the organization's default project. */
        public Builder apiKey(String accessKey, String secretKey, UUID organizationId) {
            return apiKey(accessKey, secretKey, organizationId, organizationId);
        }

        /**
         * An API key owned by a new IAM application of the organization, see {@link FakeScaleway#addApiKey}.
         *
         * @throws IllegalArgumentException at once if the access key is not {@code SCW} + 17 of {@code [A-Z0-9]} or the
         *         secret key is blank
         */
        public Builder apiKey(String accessKey, String secretKey, UUID defaultProjectId, UUID organizationId) {
            return key(accessKey, secretKey, defaultProjectId, organizationId, false);
        }

        /** Like {@link #apiKey(String, String, UUID, UUID)}, the key owned by a new IAM user of the organization. */
        public Builder userApiKey(String accessKey, String secretKey, UUID defaultProjectId, UUID organizationId) {
            return key(accessKey, secretKey, defaultProjectId, organizationId, true);
        }

        private Builder key(String accessKey, String secretKey, UUID defaultProjectId, UUID organizationId,
                boolean user) {
            IamApi.checkKeyPair(accessKey, secretKey);
            Objects.requireNonNull(defaultProjectId, "defaultProjectId");
            Objects.requireNonNull(organizationId, "organizationId");
            seeds.add(user
                    ? fake -> fake.addUserApiKey(accessKey, secretKey, defaultProjectId, organizationId)
                    : fake -> fake.addApiKey(accessKey, secretKey, defaultProjectId, organizationId));
            return this;
        }

        /** Any other seeding ({@link FakeScaleway#addImage}, {@link FakeScaleway#iamReadAllowed}, ...), run in order. */
        public Builder seed(Consumer<FakeScaleway> seed) {
            seeds.add(Objects.requireNonNull(seed, "seed"));
            return this;
        }

        /** A fresh fake for every test instead of one per test class. */
        public Builder perTest() {
            this.perTest = true;
            return this;
        }

        /** The extension, to put in a {@code @RegisterExtension} field. */
        public FakeScalewayExtension build() {
            return new FakeScalewayExtension(this);
        }
    }
}
