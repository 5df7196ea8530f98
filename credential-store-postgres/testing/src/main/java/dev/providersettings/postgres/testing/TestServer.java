package dev.providersettings.postgres.testing;

/** A Postgres server the test harness creates schemas on. */
interface TestServer {
    String jdbcUrl();

    String user();

    String password();
}
