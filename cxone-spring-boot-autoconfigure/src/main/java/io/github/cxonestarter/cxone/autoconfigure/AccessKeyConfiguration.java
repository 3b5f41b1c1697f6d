package io.github.cxonestarter.cxone.autoconfigure;

import java.net.URI;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import io.github.cxonestarter.cxone.CxoneDiscoveryException;
import io.github.cxonestarter.cxone.accesskey.AccessKeyAuthorizedClientProvider;
import io.github.cxonestarter.cxone.accesskey.AccessKeyCredentials;
import io.github.cxonestarter.cxone.accesskey.AccessKeyGrantRequest;
import io.github.cxonestarter.cxone.accesskey.AccessKeyLoginClient;
import io.github.cxonestarter.cxone.accesskey.AccessKeyTokenResponseClient;
import io.github.cxonestarter.cxone.accesskey.ApiEndpointFilter;
import io.github.cxonestarter.cxone.accesskey.CxoneDiscovery;
import io.github.cxonestarter.cxone.accesskey.StartupDiscovery;
import io.github.cxonestarter.cxone.accesskey.TenantResolver;
import io.github.cxonestarter.cxone.token.ClientSecretAuthentication;
import io.github.cxonestarter.cxone.token.CxoneTokenManager;
import io.github.cxonestarter.cxone.token.CxoneTokenResponseExtractor;
import io.github.cxonestarter.cxone.token.RetryingTokenResponseClient;
import io.github.cxonestarter.cxone.token.TokenEndpointErrors;
import io.github.resilience4j.retry.Retry;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.client.AuthorizedClientServiceReactiveOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.endpoint.ReactiveOAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.InMemoryReactiveClientRegistrationRepository;
import org.springframework.security.oauth2.client.registration.ReactiveClientRegistrationRepository;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * CXone's access-key flows, on a provider of the starter's own plugged into Spring
 * Security's client manager: the password grant of a registered application (the token
 * endpoint discovered from the issuer), or, with no client ID and secret, the access-key
 * login with the key alone. In both, the API host is discovered from the token's tenant.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnAuthMode(CxoneProperties.AuthMode.ACCESS_KEY)
class AccessKeyConfiguration {

	@Bean(defaultCandidate = false)
	@ConditionalOnMissingBean(name = "cxoneClientRegistrationRepository")
	ReactiveClientRegistrationRepository cxoneClientRegistrationRepository(CxoneProperties properties,
			CxoneEndpoints endpoints) {
		URI tokenUri = (endpoints.tokenUri() != null) ? endpoints.tokenUri() : endpoints.issuer();
		ClientRegistration.Builder registration = ClientRegistration
			.withRegistrationId(CxoneAutoConfiguration.REGISTRATION_ID)
			.tokenUri(tokenUri.toString());
		if (isLogin(endpoints)) {
			// No application: the access key is the client.
			registration.authorizationGrantType(AccessKeyGrantRequest.ACCESS_KEY_LOGIN)
				.clientId(properties.getAccessKeyId())
				.clientAuthenticationMethod(ClientAuthenticationMethod.NONE);
		}
		else {
			registration.authorizationGrantType(AccessKeyGrantRequest.PASSWORD)
				.clientId(properties.getClientId())
				.clientSecret(ClientSecretAuthentication.PLACEHOLDER)
				.clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC);
		}
		return new InMemoryReactiveClientRegistrationRepository(registration.build());
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
		String tokenEndpoint = (endpoints.tokenUri() != null) ? endpoints.tokenUri().toString()
				: "(discovered from " + endpoints.issuer() + ")";
		Function<String, TokenEndpointErrors> flowErrors = isLogin(endpoints) ? TokenEndpointErrors::forAccessKeyLogin
				: TokenEndpointErrors::forAccessKey;
		// An endpoint's answer that quotes the request back must not carry a secret into a message.
		Function<String, TokenEndpointErrors> errors = (uri) -> flowErrors.apply(uri)
			.redacting(properties.getAccessKeySecret(), isLogin(endpoints) ? null : properties.getClientSecret());
		// One extractor per token endpoint, not per request: it reports an unusable expires_in once.
		Map<URI, CxoneTokenResponseExtractor> extractors = new ConcurrentHashMap<>();
		Function<URI, CxoneTokenResponseExtractor> extractor = (tokenUri) -> extractors.computeIfAbsent(tokenUri,
				(uri) -> new CxoneTokenResponseExtractor(properties.getToken().getDefaultLifetime(),
						errors.apply(uri.toString())));
		ReactiveOAuth2AccessTokenResponseClient<AccessKeyGrantRequest> responseClient = isLogin(endpoints)
				? new AccessKeyLoginClient(tokenWebClient, endpoints.tokenUri(), properties.getAccessKeyId(),
						properties.getAccessKeySecret(), extractor.apply(endpoints.tokenUri()), tenants)
				: new AccessKeyTokenResponseClient(tokenWebClient, discovery,
						new AccessKeyCredentials(properties.getClientId(), properties.getClientSecret(),
								properties.getAccessKeyId(), properties.getAccessKeySecret()),
						extractor, tenants);
		AccessKeyAuthorizedClientProvider provider = new AccessKeyAuthorizedClientProvider(
				new RetryingTokenResponseClient<>(responseClient, errors.apply(tokenEndpoint),
						tokenRetry, properties.getToken().getTimeout()),
				properties.getToken().getRefreshSkew(), Clock.systemUTC());
		var manager = new AuthorizedClientServiceReactiveOAuth2AuthorizedClientManager(registrations, clientService);
		manager.setAuthorizedClientProvider(provider);
		manager.setAuthorizationFailureHandler((failure, principal, attributes) -> Mono.empty());
		return manager;
	}

	@Bean
	@ConditionalOnMissingBean
	ApiEndpointFilter cxoneApiEndpointFilter(CxoneEndpoints endpoints, CxoneDiscovery discovery,
			TenantResolver tenants, ObjectProvider<CxoneTokenManager> tokens) {
		if (endpoints.baseUrl() != null) {
			// cxone.base-url is set: nothing to discover, nothing to rewrite.
			return new ApiEndpointFilter(() -> Mono.just(endpoints.baseUrl()));
		}
		return new ApiEndpointFilter(() -> tokens.getObject().authorize().flatMap((client) -> {
			String tenant = tenants.tenantId(client.getAccessToken());
			if (tenant == null) {
				return Mono.error(new CxoneDiscoveryException(discovery.getIssuer().toString(),
						"CXone's token carries no tenantId claim, so the tenant's API host cannot be discovered. "
								+ "Set cxone.base-url (CXONE_BASE_URL) to the tenant's API endpoint.",
						null));
			}
			return discovery.apiEndpoint(tenant);
		}));
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
