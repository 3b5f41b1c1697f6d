package io.github.cxonestarter.cxone.autoconfigure;

import io.github.cxonestarter.cxone.CxoneWebClient;
import io.github.cxonestarter.cxone.health.CxoneHealthIndicator;
import io.github.cxonestarter.cxone.token.CxoneTokenManager;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} for the {@code cxone} health indicator.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = CxoneAutoConfiguration.class)
@ConditionalOnClass(ReactiveHealthIndicator.class)
@ConditionalOnBean({ CxoneWebClient.class, CxoneTokenManager.class })
@ConditionalOnEnabledHealthIndicator("cxone")
public final class CxoneHealthContributorAutoConfiguration {

	private static final String WHOAMI_PATH = "/platform/v1/whoami";

	private static final String SERVER_TIME_PATH = "/inContactAPI/services/v23.0/server-time";

	@Bean
	@ConditionalOnMissingBean(name = "cxoneHealthIndicator")
	CxoneHealthIndicator cxoneHealthIndicator(CxoneWebClient client, CxoneTokenManager tokens,
			CxoneProperties properties) {
		CxoneProperties.Health health = properties.getHealth();
		String path = health.getWhoamiPath();
		if (path == null) {
			path = (properties.getAuthMode() == CxoneProperties.AuthMode.ACCESS_KEY) ? SERVER_TIME_PATH : WHOAMI_PATH;
		}
		return new CxoneHealthIndicator(client, tokens, path, health.getTimeout(), health.getCacheTtl());
	}

}
