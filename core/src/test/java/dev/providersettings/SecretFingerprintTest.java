package dev.providersettings;

import dev.providersettings.testing.TestKeys;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Fingerprints tell secrets apart in one process or deployment, and mean nothing anywhere else. */
class SecretFingerprintTest {

    private static String sha256Hex(String value) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aGuessedSecretCannotBeConfirmedFromItsFingerprintOffline() throws NoSuchAlgorithmException {
        // An attacker with a log line guesses the low-entropy secret and hashes the guess.
        String weak = "hunter2";
        String fingerprint = Secret.of(weak).fingerprint();
        String digits = fingerprint.substring("fp:".length());

        assertThat(fingerprint).matches("fp:[0-9a-f]{16}");
        assertThat(sha256Hex(weak)).doesNotContain(digits.substring(0, 8));
        assertThat(fingerprint).doesNotContain(weak);
        assertThat(Secret.of(weak).fingerprint()).as("stable within the process").isEqualTo(fingerprint);
        assertThat(Secret.of("hunter3").fingerprint()).isNotEqualTo(fingerprint);
    }

    @Test
    void theSameSecretInTwoProcessesHasUnrelatedFingerprints() throws IOException, InterruptedException {
        String shared = "sk-shared-by-two-organizations";
        String here = Secret.of(shared).fingerprint();
        String there = fingerprintInAnotherProcess(shared);

        assertThat(there).matches("fp:[0-9a-f]{16}");
        assertThat(there).isNotEqualTo(here);
        assertThat(fingerprintInAnotherProcess(shared)).as("a third process").isNotEqualTo(there).isNotEqualTo(here);
    }

    @Test
    void keyRingFingerprintsMatchAcrossNodesOfOneDeploymentAndDifferBetweenDeployments() {
        byte[] deploymentKey = TestKeys.randomKey();
        String keyFile = TestKeys.line("k1", deploymentKey);
        // Two nodes of one deployment read the same key file; another deployment has its own key.
        KeyRing nodeA = KeyRing.fromEnvironment(Map.of("K", keyFile), "K");
        KeyRing nodeB = KeyRing.fromEnvironment(Map.of("K", keyFile), "K");
        KeyRing otherDeployment = KeyRing.builder().primary("k1", TestKeys.randomKey()).build();
        Secret shared = Secret.of("sk-same-key-in-two-organizations");

        assertThat(nodeA.fingerprint(shared)).matches("fp:k1:[0-9a-f]{16}").isEqualTo(nodeB.fingerprint(shared));
        assertThat(otherDeployment.fingerprint(shared)).isNotEqualTo(nodeA.fingerprint(shared));
        assertThat(nodeA.fingerprint(Secret.of("another"))).isNotEqualTo(nodeA.fingerprint(shared));
        assertThat(nodeA.fingerprint(shared)).doesNotContain(shared.fingerprint().substring(3));
        // The derived key is not the primary key itself: an HMAC under the raw key gives something else.
        assertThat(nodeA.fingerprint(shared).substring("fp:k1:".length()))
                .isNotEqualTo(Secret.hmacHex(new javax.crypto.spec.SecretKeySpec(deploymentKey, "HmacSHA256"), shared.reveal()));
        // A promotion changes the fingerprints, and says so by the key id.
        KeyRing promoted = KeyRing.builder().add("k1", deploymentKey).add("k2", TestKeys.randomKey()).primaryKeyId("k2").build();
        assertThat(promoted.fingerprint(shared)).startsWith("fp:k2:");
    }

    private static String fingerprintInAnotherProcess(String secret) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                PrintFingerprint.class.getName()).redirectErrorStream(true).start();
        // The secret goes through stdin, not the command line (visible to every user of the machine).
        process.getOutputStream().write(secret.getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().close();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("child JVM finished").isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }

    /** The child process: prints the fingerprint of the secret read from stdin. */
    public static final class PrintFingerprint {
        public static void main(String[] args) throws IOException {
            System.out.println(Secret.of(new String(System.in.readAllBytes(), StandardCharsets.UTF_8)).fingerprint());
        }
    }
}
