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

	@Bean
	@ConditionalOnMissingBean(name = "cxoneHealthIndicator")
	CxoneHealthIndicator cxoneHealthIndicator(CxoneWebClient client, CxoneTokenManager tokens,
			CxoneProperties properties) {
		CxoneProperties.Health health = properties.getHealth();
		return new CxoneHealthIndicator(client, tokens, health.getWhoamiPath(), health.getTimeout(),
				health.getCacheTtl());
	}

}
