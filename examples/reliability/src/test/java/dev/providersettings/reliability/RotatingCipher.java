package dev.providersettings.reliability;

import dev.providersettings.AesGcmSecretCipher;
import dev.providersettings.KeyRing;
import dev.providersettings.Secret;
import dev.providersettings.spi.EncryptedSecret;
import dev.providersettings.spi.SecretCipher;
import dev.providersettings.spi.SecretContext;
import dev.providersettings.testing.TestKeys;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An AES-GCM cipher whose key ring can be rotated while managers use it: {@link #rotate()} puts a new random primary
 * key first and keeps every older key for decryption, as a host does before running rewrap. Shared by the managers
 * of one test so each decrypts what the other wrote. Key material is registered with {@link Evidence}.
 */
final class RotatingCipher implements SecretCipher {
    private record Key(String id, byte[] bytes) {
    }

    private final List<Key> keys = new ArrayList<>();
    private final AtomicReference<AesGcmSecretCipher> current = new AtomicReference<>();

    RotatingCipher() {
        rotate();
    }

    /** Adds a new primary key; returns its id. */
    synchronized String rotate() {
        byte[] bytes = TestKeys.randomKey();
        Evidence.secret(Base64.getEncoder().encodeToString(bytes));
        String id = "k" + (keys.size() + 1);
        keys.add(0, new Key(id, bytes));
        KeyRing.Builder ring = KeyRing.builder().primary(id, bytes);
        for (Key older : keys.subList(1, keys.size())) {
            ring.add(older.id(), older.bytes());
        }
        current.set(new AesGcmSecretCipher(ring.build()));
        return id;
    }

    @Override
    public EncryptedSecret encrypt(Secret secret, SecretContext context) {
        return current.get().encrypt(secret, context);
    }

    @Override
    public Secret decrypt(EncryptedSecret encrypted, SecretContext context) {
        return current.get().decrypt(encrypted, context);
    }

    @Override
    public String primaryKeyId() {
        return current.get().primaryKeyId();
    }

    @Override
    public String toString() {
        return "RotatingCipher[" + current.get() + "]";
    }
}
