package io.github.cxonestarter.cxone.autoconfigure;

import java.util.function.UnaryOperator;

import io.github.cxonestarter.cxone.accesskey.ApiEndpointFilter;
import io.github.cxonestarter.cxone.accesskey.CxoneDiscovery;
import io.github.cxonestarter.cxone.accesskey.StartupDiscovery;
import io.github.cxonestarter.cxone.accesskey.TenantResolver;
import io.github.cxonestarter.cxone.token.CxoneClientRegistrations;
import io.github.cxonestarter.cxone.token.CxoneTokenManager;
import io.github.resilience4j.retry.Retry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.registration.ReactiveClientRegistrationRepository;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * CXone's access-key flows of the one tenant, on a provider of the starter's own plugged
 * into Spring Security's client manager: the password grant of a registered application
 * (the token endpoint discovered from the issuer), or, with no client ID and secret, the
 * access-key login with the key alone. In both, the API host is discovered from the
 * token's tenant.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnMultiTenant(false)
@ConditionalOnAuthMode(CxoneProperties.AuthMode.ACCESS_KEY)
class AccessKeyConfiguration {

	@Bean(defaultCandidate = false)
	@ConditionalOnMissingBean(name = "cxoneClientRegistrationRepository")
	ReactiveClientRegistrationRepository cxoneClientRegistrationRepository(CxoneProperties properties,
			CxoneEndpoints endpoints) {
		return new CxoneClientRegistrations(
				CxoneTenantAssembler.registration(CxoneAutoConfiguration.REGISTRATION_ID, properties, endpoints));
	}

	@Bean
	@ConditionalOnMissingBean
	CxoneDiscovery cxoneDiscovery(CxoneEndpoints endpoints, @Qualifier("cxoneTokenWebClient") WebClient tokenWebClient) {
		return new CxoneDiscovery(tokenWebClient, endpoints.issuer(), endpoints.tokenUri());
	}

	@Bean
	@ConditionalOnMissingBean
	TenantResolver cxoneTenantResolver() {
		return new TenantResolver();
	}

	@Bean(defaultCandidate = false)
	@ConditionalOnMissingBean(name = "cxoneAuthorizedClientManager")
	ReactiveOAuth2AuthorizedClientManager cxoneAuthorizedClientManager(CxoneProperties properties,
			CxoneEndpoints endpoints, CxoneDiscovery discovery, TenantResolver tenants,
			@Qualifier("cxoneClientRegistrationRepository") ReactiveClientRegistrationRepository registrations,
			@Qualifier("cxoneAuthorizedClientService") ReactiveOAuth2AuthorizedClientService clientService,
			@Qualifier("cxoneTokenWebClient") WebClient tokenWebClient, @Qualifier("cxoneTokenRetry") Retry tokenRetry) {
		return CxoneTenantAssembler.accessKeyManager(properties, endpoints, discovery, tenants, registrations,
				clientService, tokenWebClient, tokenRetry);
	}

	@Bean
	@ConditionalOnMissingBean
	ApiEndpointFilter cxoneApiEndpointFilter(CxoneEndpoints endpoints, CxoneDiscovery discovery,
			TenantResolver tenants, ObjectProvider<CxoneTokenManager> tokens) {
		return CxoneTenantAssembler.apiEndpointFilter(endpoints, discovery, tenants, tokens::getObject,
				UnaryOperator.identity());
	}

	@Bean
	SmartInitializingSingleton cxoneStartupDiscovery(CxoneProperties properties, CxoneEndpoints endpoints,
			CxoneDiscovery discovery, CxoneTokenManager tokens, ApiEndpointFilter apiEndpoint) {
		return new StartupDiscovery(isLogin(endpoints) ? tokens.authorize() : null, endpoints.tokenUri(), discovery,
				apiEndpoint, endpoints.baseUrl() != null, properties.getDiscovery().getTimeout(),
				properties.getDiscovery().isFailFast());
	}

	private static boolean isLogin(CxoneEndpoints endpoints) {
		return endpoints.flow() == CxoneEndpoints.Flow.ACCESS_KEY_LOGIN;
	}

}
