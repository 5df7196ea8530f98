/**
 * A fake Scaleway API for tests, also startable on its own ({@link dev.providersettings.scaleway.fake.FakeScaleway#main}).
 *
 * <p>{@link dev.providersettings.scaleway.fake.FakeScaleway} is an in-process HTTP server on 127.0.0.1 that keeps
 * state (organizations, projects, API keys with their IAM application or user, images, server types, servers,
 * Block volumes and snapshots) and answers like the real API as recorded in Scaleway's own test cassettes:
 * <ul>
 *   <li>Instance v1 ({@code /instance/v1/zones/{zone}/...}): {@code POST/GET servers} (201 + {@code Location},
 *       wrapped {@code {"server":{...}}}; list with {@code page/per_page ≤ 100}, filters {@code project organization
 *       name state commercial_type tags servers}, total in {@code X-Total-Count}, {@code Link}), {@code GET/DELETE
 *       servers/{id}}, {@code POST servers/{id}/action} (202 + task: poweron, poweroff, stop_in_place, reboot,
 *       terminate), {@code GET servers/{id}/user_data}, {@code GET volumes/{id}} (local volumes only),
 *       {@code GET products/servers} (a map keyed by type).</li>
 *   <li>Block v1alpha1 and v1 ({@code /block/{v}/zones/{zone}/...}), bare objects: volumes (list with
 *       {@code total_count}, create from empty or snapshot, get, PATCH name/tags/size/perf_iops, delete) and snapshots
 *       (create, get, list, PATCH, delete).</li>
 *   <li>IAM v1alpha1 {@code GET api-keys/{access_key}}, {@code applications/{id}}, {@code users/{id}};
 *       Account v3 {@code GET projects} and {@code projects/{id}}.</li>
 * </ul>
 *
 * <p>Behaviour over time: a new volume is {@code creating}, a resize PATCH answers with the old size and
 * {@code updating}, and the new size appears after the resize delay with the previous terminal status;
 * {@code poweron} goes {@code stopped → starting → running}; {@code terminate} goes through {@code stopping},
 * then the server disappears, its local volumes are deleted and its SBS volumes detached ({@code available}).
 * Transitions are computed from the configured {@link java.time.Clock} on every request, so a test clock makes them
 * deterministic.
 *
 * <p>Authentication: the {@code X-Auth-Token} must be the secret key of a registered API key (401
 * {@code denied_authentication} otherwise, reason {@code invalid_argument} when missing or malformed,
 * {@code not_found} when unknown, {@code expired}). A key sees only its organization's projects (optionally fewer):
 * another organization's resource answers 404 {@code not_found} exactly like a missing one, lists show only
 * accessible resources, and creating in a foreign project answers 403 {@code permissions_denied}.
 *
 * <p>Fault injection ({@link dev.providersettings.scaleway.fake.Faults}): 429 bursts exactly as recorded, 5xx,
 * slow answers, dropped connections, malformed JSON. Every request is recorded
 * ({@link dev.providersettings.scaleway.fake.RecordedRequest}) with its token, which {@code toString} masks.
 *
 * <p>{@link dev.providersettings.scaleway.fake.FakeScalewayExtension} runs a seeded fake per JUnit 5 test class (or
 * per test) and injects it into test constructors and methods.
 *
 * <p>The fake changes no JVM-wide state: for answers without the ~40 ms Nagle delay of the JDK server, run tests with
 * {@code -Dsun.net.httpserver.nodelay=true} (only the standalone {@code main} sets it itself).
 *
 * <p>Fidelity coverage and the known differences from the real API are listed in the module's {@code README.md}.
 */
package dev.providersettings.scaleway.fake;
