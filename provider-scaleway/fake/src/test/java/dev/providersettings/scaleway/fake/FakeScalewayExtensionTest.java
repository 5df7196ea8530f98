package dev.providersettings.scaleway.fake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/**
 * Runs sample test classes that use {@link FakeScalewayExtension} through the Jupiter engine and checks what they saw
 * and what is left afterwards. The samples are static nested classes, so the build's test run does not pick them up.
 */
class FakeScalewayExtensionTest {
    static final UUID ORG = UUID.randomUUID();
    static final UUID OTHER_ORG = UUID.randomUUID();
    static final UUID PROJECT = UUID.randomUUID();
    static final String ACCESS = "SCWEXTENSION00000001";
    static final String SECRET = UUID.randomUUID().toString();
    static final String USER_ACCESS = "SCWEXTENSION00000002";
    static final String USER_SECRET = UUID.randomUUID().toString();
    static final String OTHER_ACCESS = "SCWEXTENSION00000003";
    static final String OTHER_SECRET = UUID.randomUUID().toString();
    static final String VOLUMES = "/block/v1/zones/fr-par-1/volumes";

    private static EngineExecutionResults run(Class<?> sample) {
        return EngineTestKit.engine("junit-jupiter").selectors(selectClass(sample)).execute();
    }

    private static void assertAllPassed(EngineExecutionResults results, int tests) {
        List<String> failures = results.allEvents().failed().stream().map(FakeScalewayExtensionTest::describe).toList();
        assertThat(failures).isEmpty();
        assertThat(results.testEvents().succeeded().count()).isEqualTo(tests);
    }

    private static String describe(Event e) {
        return e.getTestDescriptor().getDisplayName() + ": " + e.getPayload().map(Object::toString).orElse("");
    }

    static boolean stopped(FakeScaleway fake) throws IOException {
        try (Socket s = new Socket("127.0.0.1", fake.port())) {
            return false;
        } catch (ConnectException e) {
            return true;
        }
    }

    static String createVolume(Http http) {
        Http.Res r = http.post(VOLUMES, "{\"name\":\"v\",\"project_id\":\"" + ORG + "\",\"from_empty\":{\"size\":"
                + 10_000_000_000L + "}}");
        assertThat(r.status()).isEqualTo(200);
        return r.json().get("id").asText();
    }

    // ------------------------------------------------------------------ one fake per class

    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class PerClassSample {
        @RegisterExtension
        static final FakeScalewayExtension scaleway = FakeScalewayExtension.builder()
                .apiKey(ACCESS, SECRET, ORG)
                .project(PROJECT, ORG)
                .userApiKey(USER_ACCESS, USER_SECRET, PROJECT, ORG)
                .organization(OTHER_ORG)
                .apiKey(OTHER_ACCESS, OTHER_SECRET, OTHER_ORG)
                .build();
        static final List<FakeScaleway> seen = new CopyOnWriteArrayList<>();
        static volatile String volumeId;

        private final FakeScaleway injected;

        PerClassSample(FakeScaleway injected) {
            this.injected = injected;
        }

        @BeforeAll
        static void beforeAll(FakeScaleway fake) {
            seen.add(fake);
            new Http(fake.baseUrl(), SECRET).get("/account/v3/projects"); // recorded now, cleared before the tests
        }

        @Test
        @Order(1)
        void seededKeysAuthenticate(FakeScaleway fake) {
            seen.add(fake);
            assertThat(fake).isSameAs(scaleway.fake()).isSameAs(injected);
            assertThat(fake.requests()).isEmpty();
            Http.Res key = new Http(fake.baseUrl(), SECRET).get("/iam/v1alpha1/api-keys/" + ACCESS);
            assertThat(key.status()).isEqualTo(200);
            assertThat(key.json().get("default_project_id").asText()).isEqualTo(ORG.toString());
            Http.Res userKey = new Http(fake.baseUrl(), USER_SECRET).get("/iam/v1alpha1/api-keys/" + USER_ACCESS);
            assertThat(userKey.json().get("user_id").isTextual()).isTrue();
            assertThat(userKey.json().get("default_project_id").asText()).isEqualTo(PROJECT.toString());
            Http.Res other = new Http(fake.baseUrl(), OTHER_SECRET).get("/account/v3/projects/" + OTHER_ORG);
            assertThat(other.json().get("organization_id").asText()).isEqualTo(OTHER_ORG.toString());
            assertThat(new Http(fake.baseUrl(), UUID.randomUUID().toString()).get("/account/v3/projects").status())
                    .isEqualTo(401);

            volumeId = createVolume(new Http(fake.baseUrl(), SECRET));
            fake.faults().rateLimit(5);
        }

        @Test
        @Order(2)
        void requestsAndFaultsAreClearedButResourcesStay(FakeScaleway fake) {
            seen.add(fake);
            assertThat(fake.requests()).isEmpty();
            assertThat(fake.faults().pending()).isZero();
            assertThat(new Http(fake.baseUrl(), SECRET).get(VOLUMES + "/" + volumeId).status()).isEqualTo(200);
            assertThat(fake.requests()).hasSize(1);
        }

        @Nested
        class Inner {
            @Test
            void nestedClassesShareTheEnclosingFake(FakeScaleway fake) {
                seen.add(fake);
                assertThat(fake).isSameAs(injected);
            }
        }
    }

    @Test
    void perClassOneSeededFakeForTheWholeClassStoppedAfterIt() throws IOException {
        PerClassSample.seen.clear();
        assertAllPassed(run(PerClassSample.class), 3);
        assertThat(PerClassSample.seen).hasSize(4);
        assertThat(PerClassSample.seen).containsOnly(PerClassSample.seen.get(0));
        assertThat(stopped(PerClassSample.seen.get(0))).isTrue();
        assertThatThrownBy(PerClassSample.scaleway::fake).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no fake Scaleway API is running");
    }

    // ------------------------------------------------------------------ one fake per test

    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class PerTestSample {
        @RegisterExtension
        static final FakeScalewayExtension scaleway = FakeScalewayExtension.builder()
                .apiKey(ACCESS, SECRET, ORG).perTest().build();
        static final List<FakeScaleway> seen = new CopyOnWriteArrayList<>();
        static volatile String volumeId;

        @Test
        @Order(1)
        void first(FakeScaleway fake) {
            seen.add(fake);
            volumeId = createVolume(new Http(fake.baseUrl(), SECRET));
        }

        @Test
        @Order(2)
        void second(FakeScaleway fake) throws IOException {
            seen.add(fake);
            assertThat(fake).isSameAs(scaleway.fake());
            assertThat(stopped(seen.get(0))).as("the first test's fake is stopped").isTrue();
            assertThat(new Http(fake.baseUrl(), SECRET).get(VOLUMES + "/" + volumeId).status()).isEqualTo(404);
        }
    }

    @Test
    void perTestAFreshSeededFakeForEachTest() throws IOException {
        PerTestSample.seen.clear();
        assertAllPassed(run(PerTestSample.class), 2);
        assertThat(PerTestSample.seen).hasSize(2).doesNotHaveDuplicates();
        assertThat(stopped(PerTestSample.seen.get(1))).isTrue();
    }

    static class PerTestConstructorSample {
        @RegisterExtension
        static final FakeScalewayExtension scaleway = FakeScalewayExtension.builder().perTest().build();

        PerTestConstructorSample(FakeScaleway fake) {
        }

        @Test
        void neverRuns() {
        }
    }

    @Test
    void perTestCannotBeInjectedIntoTheConstructorAndSaysWhy() {
        List<String> failures = run(PerTestConstructorSample.class).allEvents().failed().stream()
                .map(FakeScalewayExtensionTest::describe).toList();
        assertThat(failures).singleElement().asString().contains("no fake Scaleway API is running yet")
                .contains("@BeforeEach");
    }

    // ------------------------------------------------------------------ other registrations

    static class InstanceFieldSample {
        static final List<FakeScaleway> seen = new CopyOnWriteArrayList<>();

        @RegisterExtension
        final FakeScalewayExtension scaleway = FakeScalewayExtension.builder().apiKey(ACCESS, SECRET, ORG).build();

        @Test
        void one(FakeScaleway fake) {
            seen.add(fake);
            assertThat(new Http(fake.baseUrl(), SECRET).get("/account/v3/projects/" + ORG).status()).isEqualTo(200);
        }

        @Test
        void two(FakeScaleway fake) {
            seen.add(fake);
        }
    }

    @Test
    void anInstanceFieldGivesAFakePerTest() throws IOException {
        InstanceFieldSample.seen.clear();
        assertAllPassed(run(InstanceFieldSample.class), 2);
        assertThat(InstanceFieldSample.seen).hasSize(2).doesNotHaveDuplicates();
        for (FakeScaleway fake : InstanceFieldSample.seen) {
            assertThat(stopped(fake)).isTrue();
        }
    }

    @ExtendWith(FakeScalewayExtension.class)
    static class ExtendWithSample {
        static final List<FakeScaleway> seen = new CopyOnWriteArrayList<>();

        @Test
        void startedWithNothingSeeded(FakeScaleway fake) {
            seen.add(fake);
            assertThat(new Http(fake.baseUrl(), SECRET).get("/account/v3/projects").status()).isEqualTo(401);
            fake.addApiKey(ACCESS, SECRET, ORG, ORG);
            assertThat(new Http(fake.baseUrl(), SECRET).get("/account/v3/projects").status()).isEqualTo(200);
        }
    }

    @Test
    void extendWithStartsAnUnseededFakeForTheClass() throws IOException {
        ExtendWithSample.seen.clear();
        assertAllPassed(run(ExtendWithSample.class), 1);
        assertThat(stopped(ExtendWithSample.seen.get(0))).isTrue();
    }

    static class FailingSeedSample {
        static final List<FakeScaleway> seen = new CopyOnWriteArrayList<>();

        @RegisterExtension
        static final FakeScalewayExtension scaleway = FakeScalewayExtension.builder()
                .seed(seen::add)
                .apiKey(ACCESS, SECRET, ORG)
                .apiKey(ACCESS, UUID.randomUUID().toString(), ORG) // the same access key twice
                .build();

        @Test
        void neverRuns() {
        }
    }

    @Test
    void aFailingSeedFailsTheClassAndStopsTheFake() throws IOException {
        FailingSeedSample.seen.clear();
        EngineExecutionResults results = run(FailingSeedSample.class);
        assertThat(results.containerEvents().failed().stream().map(FakeScalewayExtensionTest::describe).toList())
                .singleElement().asString().contains("already registered").doesNotContain(SECRET);
        assertThat(results.testEvents().started().count()).isZero();
        assertThat(stopped(FailingSeedSample.seen.get(0))).isTrue();
    }

    @Test
    void badKeysAreRefusedByTheBuilder() {
        assertThatThrownBy(() -> FakeScalewayExtension.builder().apiKey("SCWshort", SECRET, ORG))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'SCW' followed by 17");
        assertThatThrownBy(() -> FakeScalewayExtension.builder().apiKey(ACCESS, " ", ORG))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must not be blank");
        assertThatThrownBy(() -> FakeScalewayExtension.builder().organization(null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("organizationId");
        assertThat(FakeScalewayExtension.builder().apiKey(ACCESS, SECRET, ORG).build().toString())
                .doesNotContain(SECRET);
    }
}
