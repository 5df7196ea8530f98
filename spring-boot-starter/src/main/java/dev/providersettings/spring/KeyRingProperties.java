package dev.providersettings.spring;

import java.nio.file.Path;

import static dev.providersettings.spring.PropertyChecks.invalid;
import static dev.providersettings.spring.PropertyChecks.hasText;
import static dev.providersettings.spring.PropertyChecks.abbreviate;

/** Where the AES-256 keys come from: exactly one of file, environment variable or (tests only) inline text. */
public class KeyRingProperties {
    /**
     * A key file with entries keyId:base64key, one per line, the first being the primary (e.g.
     * /run/secrets/provider_settings_key).
     */
    private Path file;
    /** The name of an environment variable holding the key ring text (entries separated by new lines, ',' or ';'). */
    private String environmentVariable;
    /** The key ring text itself. For tests only: a key in a configuration file is a key in your repository. */
    private String inline;
    /**
     * The id of the key that encrypts (the primary), overriding the source's own choice (its primary=keyId entry,
     * else its first key). For rotation: roll out a new key as secondary first, then change this id.
     */
    private String primary;

    public Path getFile() {
        return file;
    }

    public void setFile(Path file) {
        this.file = file;
    }

    public String getEnvironmentVariable() {
        return environmentVariable;
    }

    public void setEnvironmentVariable(String environmentVariable) {
        this.environmentVariable = environmentVariable;
    }

    public String getInline() {
        return inline;
    }

    public void setInline(String inline) {
        this.inline = inline;
    }

    public String getPrimary() {
        return primary;
    }

    public void setPrimary(String primary) {
        this.primary = primary;
    }

    /** How many sources are set (exactly one is valid). */
    int sourceCount() {
        return (file != null ? 1 : 0) + (hasText(environmentVariable) ? 1 : 0) + (hasText(inline) ? 1 : 0);
    }

    void validate() {
        int sources = sourceCount();
        if (sources == 0) {
            throw invalid("key-ring.file", "no key ring is configured",
                    "set provider-settings.key-ring.file=/run/secrets/provider_settings_key (a file of keyId:base64key"
                            + " lines, first = primary; generate one with echo \"k1:$(head -c 32 /dev/urandom | base64)\"),"
                            + " or provider-settings.key-ring.environment-variable=PROVIDER_SETTINGS_KEYS,"
                            + " or declare your own SecretCipher bean");
        }
        if (sources > 1) {
            throw invalid("key-ring", "more than one of file, environment-variable and inline is set",
                    "keep exactly one source of keys");
        }
        if (primary != null && !dev.providersettings.KeyRing.KEY_ID_FORMAT.matcher(primary).matches()) {
            throw invalid("key-ring.primary", "'" + abbreviate(primary) + "' is not a key id",
                    "use the id of one of the ring's keys (1-64 letters, digits, '.', '_' or '-'), e.g. k2");
        }
        if (hasText(environmentVariable) && !environmentVariable.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            // The value is not echoed: a common mistake is to put the keys themselves here.
            throw invalid("key-ring.environment-variable", "the value (" + environmentVariable.length()
                    + " characters) is not an environment variable name",
                    "use a name such as PROVIDER_SETTINGS_KEYS (not the keys themselves)");
        }
    }
}
