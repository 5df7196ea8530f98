package dev.providersettings.scaleway.fake;

import org.junit.jupiter.api.AfterEach;

/** A fresh {@link Fixture} (fake server, two organizations, their clients) per test, closed after it. */
abstract class FakeTestBase {
    /** The Block Storage volumes collection of the default zone. */
    static final String VOLUMES = "/block/v1/zones/fr-par-1/volumes";

    final Fixture f = new Fixture();

    @AfterEach
    void closeFixture() {
        f.close();
    }
}
