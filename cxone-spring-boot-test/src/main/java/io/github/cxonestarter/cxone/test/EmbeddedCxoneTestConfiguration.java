package io.github.cxonestarter.cxone.test;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.test.context.DynamicPropertyRegistrar;

/**
 * The beans behind {@link AutoConfigureEmbeddedCxone}.
 *
 * @since 0.1.0
 */
@Configuration(proxyBeanMethods = false)
public class EmbeddedCxoneTestConfiguration {

	@Bean(destroyMethod = "close")
	EmbeddedCxone embeddedCxone() {
		return EmbeddedCxone.start();
	}

	@Bean
	DynamicPropertyRegistrar embeddedCxoneProperties(EmbeddedCxone embeddedCxone) {
		return (registry) -> {
			registry.add("cxone.base-url", embeddedCxone::baseUrl);
			registry.add("cxone.token-uri", embeddedCxone::tokenUri);
			registry.add("cxone.client-id", () -> EmbeddedCxone.CLIENT_ID);
			registry.add("cxone.client-secret", () -> EmbeddedCxone.CLIENT_SECRET);
		};
	}

}
