package io.github.cxonestarter.cxone.autoconfigure;

import io.github.cxonestarter.cxone.web.CxoneClientBuilders;
import io.github.cxonestarter.cxone.web.CxoneHttpServiceGroup;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.client.support.RestClientHttpServiceGroupConfigurer;
import org.springframework.web.reactive.function.client.support.WebClientHttpServiceGroupConfigurer;

/**
 * The {@code cxone} HTTP service group: its clients, REST_CLIENT or WEB_CLIENT, configured
 * as {@code CxoneRestClient} and {@code CxoneWebClient} are; with several tenants, a
 * {@code cxone} group fails at start-up saying why. Other groups are not touched.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass({ RestClientHttpServiceGroupConfigurer.class, WebClientHttpServiceGroupConfigurer.class })
class HttpServiceGroupConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMultiTenant(false)
	static class SingleTenantGroupConfiguration {

		@Bean
		RestClientHttpServiceGroupConfigurer cxoneRestClientHttpServiceGroupConfigurer(
				@Qualifier("cxoneClientBuilders") CxoneClientBuilders builders) {
			return CxoneHttpServiceGroup.restClients(builders);
		}

		@Bean
		WebClientHttpServiceGroupConfigurer cxoneWebClientHttpServiceGroupConfigurer(
				@Qualifier("cxoneClientBuilders") CxoneClientBuilders builders) {
			return CxoneHttpServiceGroup.webClients(builders);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMultiTenant
	static class MultiTenantGroupConfiguration {

		@Bean
		RestClientHttpServiceGroupConfigurer cxoneRestClientHttpServiceGroupConfigurer() {
			return CxoneHttpServiceGroup.refusingRestClients();
		}

		@Bean
		WebClientHttpServiceGroupConfigurer cxoneWebClientHttpServiceGroupConfigurer() {
			return CxoneHttpServiceGroup.refusingWebClients();
		}

	}

}
