package io.github.cxonestarter.cxone.autoconfigure;

import java.util.List;

import io.github.cxonestarter.cxone.CxoneRestClientCustomizer;
import io.github.cxonestarter.cxone.CxoneWebClient;
import io.github.cxonestarter.cxone.CxoneWebClientCustomizer;
import io.github.cxonestarter.cxone.metrics.CxoneInstrumentation;
import io.github.cxonestarter.cxone.token.TokenEventListener;
import io.github.resilience4j.retry.RetryRegistry;
import reactor.netty.http.client.HttpClient;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.security.oauth2.client.InMemoryReactiveOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.registration.ReactiveClientRegistrationRepository;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} for {@link CxoneWebClient} and {@link io.github.cxonestarter.cxone.CxoneRestClient}:
 * a CXone client registration of its own,
 * an application-scoped token manager on Spring Security's OAuth2 client, and a
 * {@link WebClient} and a RestClient built from clones of Boot's builders.
 * <p>
 * The registration repository, the token store and Spring Security's client manager are
 * beans that are not default candidates for injection, so that an application's own
 * {@code spring.security.oauth2.client.*} beans keep working untouched.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = WebClientAutoConfiguration.class,
		afterName = "org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration")
@ConditionalOnClass({ WebClient.class, ReactiveOAuth2AuthorizedClientManager.class, HttpClient.class })
@ConditionalOnBooleanProperty(name = "cxone.enabled", matchIfMissing = true)
@EnableConfigurationProperties(CxoneProperties.class)
@Import({ ClientCredentialsConfiguration.class, AccessKeyConfiguration.class, SingleTenantConfiguration.class,
		RestClientConfiguration.class, HttpServiceGroupConfiguration.class, MultiTenantConfiguration.class })
public final class CxoneAutoConfiguration {

	/**
	 * Registration ID of the CXone client registration.
	 */
	public static final String REGISTRATION_ID = "cxone";

	/**
	 * Name of the principal the application's token is held for.
	 */
	public static final String PRINCIPAL = "cxone-application";

	/**
	 * Name of the Resilience4j retry of API calls.
	 */
	public static final String RETRY_NAME = "cxone";

	/**
	 * Name of the Resilience4j retry of token requests.
	 */
	public static final String TOKEN_RETRY_NAME = "cxone-token";

	@Bean(defaultCandidate = false)
	@ConditionalOnMissingBean(name = "cxoneAuthorizedClientService")
	ReactiveOAuth2AuthorizedClientService cxoneAuthorizedClientService(
			@Qualifier("cxoneClientRegistrationRepository") ReactiveClientRegistrationRepository registrations) {
		return new InMemoryReactiveOAuth2AuthorizedClientService(registrations);
	}

	/**
	 * Return the application's own token event listeners, not a tenant's meters.
	 */
	static List<TokenEventListener> applicationListeners(ObjectProvider<TokenEventListener> listeners) {
		return listeners.orderedStream().filter((listener) -> !(listener instanceof CxoneInstrumentation)).toList();
	}

	@Bean(defaultCandidate = false)
	@ConditionalOnMissingBean(name = "cxoneTenantAssembler")
	CxoneTenantAssembler cxoneTenantAssembler(Environment environment,
			@Qualifier("cxoneClientRegistrationRepository") ReactiveClientRegistrationRepository registrations,
			@Qualifier("cxoneAuthorizedClientService") ReactiveOAuth2AuthorizedClientService clientService,
			ObjectProvider<SslBundles> sslBundles, ObjectProvider<RetryRegistry> retryRegistry,
			ObjectProvider<CxoneInstrumentation.Factory> instrumentation, ObjectProvider<TokenEventListener> listeners,
			ObjectProvider<CxoneWebClientCustomizer> webClientCustomizers,
			ObjectProvider<CxoneRestClientCustomizer> restClientCustomizers,
			ObjectProvider<WebClient.Builder> webClientBuilder, ObjectProvider<RestClient.Builder> restClientBuilder) {
		// Clones, as for the one tenant's clients: the application's builders stay its own.
		return new CxoneTenantAssembler(environment, registrations, clientService,
				new CxoneTenantAssembler.Shared(sslBundles.getIfAvailable(), retryRegistry.getIfUnique(),
						instrumentation.getIfAvailable(), applicationListeners(listeners),
						webClientCustomizers.orderedStream().toList(), restClientCustomizers.orderedStream().toList(),
						() -> webClientBuilder.getIfUnique(WebClient::builder).clone(),
						() -> restClientBuilder.getIfUnique(RestClient::builder).clone()));
	}

}
