package io.github.cxonestarter.cxone.autoconfigure;

import io.github.cxonestarter.cxone.token.ClientSecretAuthentication;
import io.github.cxonestarter.cxone.token.CxoneTokenResponseExtractor;
import io.github.cxonestarter.cxone.token.RetryingTokenResponseClient;
import io.github.cxonestarter.cxone.token.TokenEndpointErrors;
import io.github.resilience4j.retry.Retry;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.client.AuthorizedClientServiceReactiveOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.ClientCredentialsReactiveOAuth2AuthorizedClientProvider;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.endpoint.OAuth2ClientCredentialsGrantRequest;
import org.springframework.security.oauth2.client.endpoint.WebClientReactiveClientCredentialsTokenResponseClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.InMemoryReactiveClientRegistrationRepository;
import org.springframework.security.oauth2.client.registration.ReactiveClientRegistrationRepository;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The client_credentials flow, on Spring Security's own provider and token response client.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnAuthMode(CxoneProperties.AuthMode.CLIENT_CREDENTIALS)
class ClientCredentialsConfiguration {

	@Bean(defaultCandidate = false)
	@ConditionalOnMissingBean(name = "cxoneClientRegistrationRepository")
	ReactiveClientRegistrationRepository cxoneClientRegistrationRepository(CxoneProperties properties,
			CxoneEndpoints endpoints) {
		ClientRegistration registration = ClientRegistration.withRegistrationId(CxoneAutoConfiguration.REGISTRATION_ID)
			.authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
			.clientId(properties.getClientId())
			.clientSecret(ClientSecretAuthentication.PLACEHOLDER)
			.clientAuthenticationMethod(isBasic(properties) ? ClientAuthenticationMethod.CLIENT_SECRET_BASIC
					: ClientAuthenticationMethod.CLIENT_SECRET_POST)
			.scope(properties.getScopes())
			.tokenUri(endpoints.tokenUri().toString())
			.build();
		return new InMemoryReactiveClientRegistrationRepository(registration);
	}

	@Bean(defaultCandidate = false)
	@ConditionalOnMissingBean(name = "cxoneAuthorizedClientManager")
	ReactiveOAuth2AuthorizedClientManager cxoneAuthorizedClientManager(CxoneProperties properties,
			CxoneEndpoints endpoints,
			@Qualifier("cxoneClientRegistrationRepository") ReactiveClientRegistrationRepository registrations,
			@Qualifier("cxoneAuthorizedClientService") ReactiveOAuth2AuthorizedClientService clientService,
			@Qualifier("cxoneTokenWebClient") WebClient tokenWebClient, @Qualifier("cxoneTokenRetry") Retry tokenRetry) {
		TokenEndpointErrors errors = TokenEndpointErrors.forClientCredentials(endpoints.tokenUri().toString())
			.redacting(properties.getClientSecret());
		WebClientReactiveClientCredentialsTokenResponseClient springClient = new WebClientReactiveClientCredentialsTokenResponseClient();
		springClient.setWebClient(tokenWebClient);
		new ClientSecretAuthentication(properties.getClientId(), properties.getClientSecret(), isBasic(properties))
			.applyTo(springClient);
		springClient.setBodyExtractor(new CxoneTokenResponseExtractor(properties.getToken().getDefaultLifetime(), errors));
		ClientCredentialsReactiveOAuth2AuthorizedClientProvider provider = new ClientCredentialsReactiveOAuth2AuthorizedClientProvider();
		provider.setAccessTokenResponseClient(
				new RetryingTokenResponseClient<OAuth2ClientCredentialsGrantRequest>(springClient, errors, tokenRetry,
						properties.getToken().getTimeout()));
		provider.setClockSkew(properties.getToken().getRefreshSkew());
		var manager = new AuthorizedClientServiceReactiveOAuth2AuthorizedClientManager(registrations, clientService);
		manager.setAuthorizedClientProvider(provider);
		// Eviction is CxoneTokenManager's job: it drops only the token the API refused.
		manager.setAuthorizationFailureHandler((failure, principal, attributes) -> Mono.empty());
		return manager;
	}

	private static boolean isBasic(CxoneProperties properties) {
		return properties.getClientAuthenticationMethod() == CxoneProperties.ClientAuthentication.CLIENT_SECRET_BASIC;
	}

}
