package io.github.cxonestarter.cxone.test;

import org.springframework.boot.autoconfigure.ssl.SslBundleRegistrar;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.test.context.DynamicPropertyRegistrar;

/**
 * The beans behind {@link AutoConfigureEmbeddedCxone}.
 *
 * @since 0.1.0
 */
@Configuration(proxyBeanMethods = false)
public class EmbeddedCxoneTestConfiguration {

	/**
	 * Name of the SSL bundle that trusts an HTTPS embedded CXone's certificate.
	 */
	public static final String SSL_BUNDLE = "embedded-cxone";

	@Bean(destroyMethod = "close")
	EmbeddedCxone embeddedCxone(Environment environment) {
		boolean https = environment.getProperty("embedded-cxone.https", Boolean.class, false);
		return https ? EmbeddedCxone.startHttps() : EmbeddedCxone.start();
	}

	@Bean
	DynamicPropertyRegistrar embeddedCxoneProperties(EmbeddedCxone embeddedCxone) {
		return (registry) -> {
			registry.add("cxone.base-url", embeddedCxone::baseUrl);
			registry.add("cxone.token-uri", embeddedCxone::tokenUri);
			registry.add("cxone.client-id", () -> EmbeddedCxone.CLIENT_ID);
			registry.add("cxone.client-secret", () -> EmbeddedCxone.CLIENT_SECRET);
			if (embeddedCxone.isHttps()) {
				registry.add("cxone.http.ssl.bundle", () -> SSL_BUNDLE);
			}
		};
	}

	@Bean
	SslBundleRegistrar embeddedCxoneSslBundle(EmbeddedCxone embeddedCxone) {
		// A registrar, not spring.ssl.bundle.* properties: a web server's SSL customizer may read
		// those before any DynamicPropertyRegistrar has run.
		return (registry) -> {
			if (embeddedCxone.isHttps()) {
				registry.registerBundle(SSL_BUNDLE, embeddedCxone.sslBundle());
			}
		};
	}

}
