package dev.providersettings.scaleway;

import org.junit.jupiter.api.AfterEach;

/**
 * Tests of the real transport against a local {@link StubServer} on fake time: a test sets {@code stub} and
 * {@code factory}; both are closed after it.
 */
abstract class StubServerTestBase {
    static final String VOLUME_ID = "11111111-1111-1111-1111-111111111111";

    final TestSupport.FakeTime time = new TestSupport.FakeTime();
    StubServer stub;
    ScalewayProviderFactory factory;

    @AfterEach
    void close() {
        if (factory != null) {
            factory.close();
        }
        if (stub != null) {
            stub.close();
        }
    }
}
