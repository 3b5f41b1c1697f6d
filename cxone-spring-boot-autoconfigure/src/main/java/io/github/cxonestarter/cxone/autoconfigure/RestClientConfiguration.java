package io.github.cxonestarter.cxone.autoconfigure;

import io.github.cxonestarter.cxone.CxoneRestClient;
import io.github.cxonestarter.cxone.token.BlockingAuthorizedClientManager;
import io.github.cxonestarter.cxone.token.BlockingTokens;
import io.github.cxonestarter.cxone.web.CxoneClientBuilders;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.client.RestClient;

/**
 * The blocking side: {@link CxoneRestClient}, and Spring Security's blocking
 * {@code OAuth2AuthorizedClientManager} for the {@code cxone} registration, both on the
 * application's one token manager.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(RestClient.class)
@ConditionalOnMultiTenant(false)
class RestClientConfiguration {

	@Bean
	@ConditionalOnMissingBean
	CxoneRestClient cxoneRestClient(@Qualifier("cxoneClientBuilders") CxoneClientBuilders builders,
			ObjectProvider<RestClient.Builder> restClientBuilder) {
		// A clone, so that observations and the application's customizers apply, and the
		// application's own RestClients get nothing of CXone's. Of several builders the
		// primary one, or else one of the starter's own.
		return new CxoneRestClient(builders.configure(restClientBuilder.getIfUnique(RestClient::builder).clone()).build());
	}

	@Bean(defaultCandidate = false)
	@ConditionalOnMissingBean(name = "cxoneBlockingAuthorizedClientManager")
	BlockingAuthorizedClientManager cxoneBlockingAuthorizedClientManager(
			@Qualifier("cxoneBlockingTokens") BlockingTokens tokens) {
		return new BlockingAuthorizedClientManager(tokens, CxoneAutoConfiguration.REGISTRATION_ID);
	}

}
