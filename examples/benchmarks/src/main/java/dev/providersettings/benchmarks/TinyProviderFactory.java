package dev.providersettings.benchmarks;

import dev.providersettings.OrganizationId;
import dev.providersettings.ProviderCode;
import dev.providersettings.spi.ProviderFactory;
import dev.providersettings.ProviderSettings;
import dev.providersettings.Secret;
import dev.providersettings.SettingDefinition;

import java.util.List;

/**
 * A provider whose client holds only its credentials (an access key and a secret key) and its organization: what
 * the cache itself costs per entry, without a real client's own fields. Code {@value #CODE}.
 */
final class TinyProviderFactory implements ProviderFactory<TinyProviderFactory.TinyClient> {
    static final String CODE = "tiny";
    static final String ACCESS_KEY = "ACCESS_KEY";
    static final String SECRET_KEY = "SECRET_KEY";

    /** The client: credentials only. */
    record TinyClient(OrganizationId organization, String accessKey, Secret secretKey) {
    }

    @Override
    public ProviderCode code() {
        return ProviderCode.of(CODE);
    }

    @Override
    public Class<TinyClient> clientType() {
        return TinyClient.class;
    }

    @Override
    public List<SettingDefinition> settings() {
        return List.of(SettingDefinition.text(ACCESS_KEY).required(), SettingDefinition.secret(SECRET_KEY).required());
    }

    @Override
    public TinyClient create(ProviderSettings settings) {
        return new TinyClient(settings.organization(), settings.text(ACCESS_KEY), settings.secret(SECRET_KEY));
    }
}
