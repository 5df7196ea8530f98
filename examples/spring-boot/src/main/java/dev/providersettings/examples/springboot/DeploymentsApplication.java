package dev.providersettings.examples.springboot;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A multi-tenant host service on Spring Boot: each organization's deployments get a Scaleway volume created and
 * read with that organization's own credentials, resolved by the provider-settings starter. The whole
 * provider-settings wiring is {@code application.yml}.
 */
@SpringBootApplication
public class DeploymentsApplication {

    /** Starts the service. */
    public static void main(String[] args) {
        SpringApplication.run(DeploymentsApplication.class, args);
    }
}
