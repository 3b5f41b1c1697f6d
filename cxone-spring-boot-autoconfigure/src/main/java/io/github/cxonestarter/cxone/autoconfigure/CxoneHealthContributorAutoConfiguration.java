package io.github.cxonestarter.cxone.autoconfigure;

import io.github.cxonestarter.cxone.CxoneClients;
import io.github.cxonestarter.cxone.CxoneTenant;
import io.github.cxonestarter.cxone.CxoneWebClient;
import io.github.cxonestarter.cxone.health.CxoneHealthIndicator;
import io.github.cxonestarter.cxone.health.CxoneTenantsHealthContributor;
import io.github.cxonestarter.cxone.token.CxoneTokenManager;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} for the {@code cxone} health component: one indicator for the one
 * tenant, or a composite with one child per tenant.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = CxoneAutoConfiguration.class)
@ConditionalOnClass(ReactiveHealthIndicator.class)
@ConditionalOnEnabledHealthIndicator("cxone")
public final class CxoneHealthContributorAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMultiTenant(false)
	@ConditionalOnBean({ CxoneWebClient.class, CxoneTokenManager.class })
	static class SingleTenantHealthConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "cxoneHealthIndicator")
		CxoneHealthIndicator cxoneHealthIndicator(CxoneWebClient client, CxoneTokenManager tokens,
				CxoneProperties properties) {
			CxoneTenant.HealthCheck check = CxoneTenantAssembler.healthCheck(properties);
			return new CxoneHealthIndicator(client, tokens, check.path(), check.timeout(), check.cacheTtl());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMultiTenant
	@ConditionalOnBean(CxoneClients.class)
	static class TenantsHealthConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "cxoneHealthContributor")
		CxoneTenantsHealthContributor cxoneHealthContributor(CxoneClients clients) {
			return new CxoneTenantsHealthContributor(clients);
		}

	}

}
