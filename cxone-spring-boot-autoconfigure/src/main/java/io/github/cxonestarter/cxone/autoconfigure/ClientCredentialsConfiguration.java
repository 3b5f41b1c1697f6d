package io.github.cxonestarter.cxone.autoconfigure;

import io.github.cxonestarter.cxone.token.CxoneClientRegistrations;
import io.github.resilience4j.retry.Retry;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.registration.ReactiveClientRegistrationRepository;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The client_credentials flow of the one tenant, on Spring Security's own provider and
 * token response client.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnMultiTenant(false)
@ConditionalOnAuthMode(CxoneProperties.AuthMode.CLIENT_CREDENTIALS)
class ClientCredentialsConfiguration {

	@Bean(defaultCandidate = false)
	@ConditionalOnMissingBean(name = "cxoneClientRegistrationRepository")
	ReactiveClientRegistrationRepository cxoneClientRegistrationRepository(CxoneProperties properties,
			CxoneEndpoints endpoints) {
		return new CxoneClientRegistrations(
				CxoneTenantAssembler.registration(CxoneAutoConfiguration.REGISTRATION_ID, properties, endpoints));
	}

	@Bean(defaultCandidate = false)
	@ConditionalOnMissingBean(name = "cxoneAuthorizedClientManager")
	ReactiveOAuth2AuthorizedClientManager cxoneAuthorizedClientManager(CxoneProperties properties,
			CxoneEndpoints endpoints,
			@Qualifier("cxoneClientRegistrationRepository") ReactiveClientRegistrationRepository registrations,
			@Qualifier("cxoneAuthorizedClientService") ReactiveOAuth2AuthorizedClientService clientService,
			@Qualifier("cxoneTokenWebClient") WebClient tokenWebClient, @Qualifier("cxoneTokenRetry") Retry tokenRetry) {
		return CxoneTenantAssembler.clientCredentialsManager(properties, endpoints, registrations, clientService,
				tokenWebClient, tokenRetry);
	}

}
