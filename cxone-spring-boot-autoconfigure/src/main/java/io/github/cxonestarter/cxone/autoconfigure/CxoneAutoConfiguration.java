package io.github.cxonestarter.cxone.autoconfigure;

import java.time.Clock;
import java.time.Duration;

import io.github.cxonestarter.cxone.CxoneRestClientCustomizer;
import io.github.cxonestarter.cxone.CxoneWebClient;
import io.github.cxonestarter.cxone.CxoneWebClientCustomizer;
import io.github.cxonestarter.cxone.accesskey.ApiEndpointFilter;
import io.github.cxonestarter.cxone.http.ConnectionFailures;
import io.github.cxonestarter.cxone.http.CxoneHttpSettings;
import io.github.cxonestarter.cxone.http.CxoneRequestFactory;
import io.github.cxonestarter.cxone.http.ReactorHttpClients;
import io.github.cxonestarter.cxone.token.BlockingTokens;
import io.github.cxonestarter.cxone.token.CxoneTokenManager;
import io.github.cxonestarter.cxone.token.RetryingTokenResponseClient;
import io.github.cxonestarter.cxone.token.TokenEventListener;
import io.github.cxonestarter.cxone.web.CxoneClientBuilders;
import io.github.cxonestarter.cxone.web.CxoneConnectionFilter;
import io.github.cxonestarter.cxone.web.RetryPolicy;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

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
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.reactive.ClientHttpConnector;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.security.oauth2.client.InMemoryReactiveOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.registration.ReactiveClientRegistrationRepository;
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
@Import({ ClientCredentialsConfiguration.class, AccessKeyConfiguration.class, RestClientConfiguration.class,
		HttpServiceGroupConfiguration.class })
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

	private static final Log logger = LogFactory.getLog(CxoneAutoConfiguration.class);

	@Bean
	@ConditionalOnMissingBean
	CxoneEndpoints cxoneEndpoints(CxoneProperties properties) {
		CxoneEndpoints endpoints = CxonePropertiesValidator.validate(properties);
		logger.info(endpoints.describe());
		return endpoints;
	}

	@Bean(defaultCandidate = false)
	@ConditionalOnMissingBean(name = "cxoneAuthorizedClientService")
	ReactiveOAuth2AuthorizedClientService cxoneAuthorizedClientService(
			@Qualifier("cxoneClientRegistrationRepository") ReactiveClientRegistrationRepository registrations) {
		return new InMemoryReactiveOAuth2AuthorizedClientService(registrations);
	}

	@Bean(defaultCandidate = false, destroyMethod = "dispose")
	@ConditionalOnMissingBean(name = "cxoneConnectionProvider")
	ConnectionProvider cxoneConnectionProvider(CxoneProperties properties) {
		// Waiting callers are bounded by the connect and response timeouts, not by a queue length.
		return ConnectionProvider.builder("cxone")
			.maxConnections(properties.getHttp().getMaxConnections())
			.pendingAcquireMaxCount(-1)
			.build();
	}

	@Bean(defaultCandidate = false)
	@ConditionalOnMissingBean(name = "cxoneHttpSettings")
	CxoneHttpSettings cxoneHttpSettings(CxoneProperties properties, CxoneEndpoints endpoints,
			ObjectProvider<SslBundles> sslBundles) {
		// After CxoneEndpoints, which has validated cxone.http.proxy.*.
		return CxoneHttpSettingsFactory.create(properties.getHttp(), System.getProperties(), sslBundles.getIfAvailable());
	}

	@Bean(defaultCandidate = false)
	@ConditionalOnMissingBean(name = "cxoneConnectionFailures")
	ConnectionFailures cxoneConnectionFailures(CxoneProperties properties,
			@Qualifier("cxoneHttpSettings") CxoneHttpSettings settings) {
		return new ConnectionFailures(settings, properties.getHttp().getProxy().getRefusalBackoff());
	}

	@Bean(defaultCandidate = false)
	@ConditionalOnMissingBean(name = "cxoneHttpClient")
	HttpClient cxoneHttpClient(@Qualifier("cxoneHttpSettings") CxoneHttpSettings settings,
			@Qualifier("cxoneConnectionProvider") ConnectionProvider connectionProvider) {
		return ReactorHttpClients.create(settings, connectionProvider);
	}

	@Bean(defaultCandidate = false)
	@ConditionalOnMissingBean(name = "cxoneClientHttpConnector")
	ClientHttpConnector cxoneClientHttpConnector(@Qualifier("cxoneHttpClient") HttpClient httpClient) {
		return new ReactorClientHttpConnector(httpClient);
	}

	@Bean(defaultCandidate = false)
	@ConditionalOnMissingBean(name = "cxoneClientHttpRequestFactory")
	ClientHttpRequestFactory cxoneClientHttpRequestFactory(@Qualifier("cxoneHttpClient") HttpClient httpClient) {
		return new CxoneRequestFactory(httpClient);
	}

	@Bean(defaultCandidate = false)
	@ConditionalOnMissingBean(name = "cxoneTokenRetry")
	Retry cxoneTokenRetry(CxoneProperties properties) {
		CxoneProperties.Token token = properties.getToken();
		return Retry.of(TOKEN_RETRY_NAME, RetryingTokenResponseClient.retryConfig(token.getMaxAttempts(),
				token.getInitialBackoff(), token.getInitialBackoff().multipliedBy(16)));
	}

	@Bean(defaultCandidate = false)
	@ConditionalOnMissingBean(name = "cxoneTokenWebClient")
	WebClient cxoneTokenWebClient(@Qualifier("cxoneClientHttpConnector") ClientHttpConnector connector,
			@Qualifier("cxoneConnectionFailures") ConnectionFailures failures) {
		// A builder of the starter's own, not Boot's: the application's WebClientCustomizers,
		// filters and spring.http.codecs.log-request-details must never see the client secret,
		// the access key secret or a token.
		return WebClient.builder()
			.clientConnector(connector)
			.codecs(CxoneClientBuilders::withoutRequestDetails)
			.filter(new CxoneConnectionFilter(failures, "cxone.token-uri (CXONE_TOKEN_URI) or cxone.issuer (CXONE_ISSUER)"))
			.build();
	}

	@Bean
	@ConditionalOnMissingBean
	CxoneTokenManager cxoneTokenManager(CxoneProperties properties,
			@Qualifier("cxoneAuthorizedClientManager") ReactiveOAuth2AuthorizedClientManager clientManager,
			@Qualifier("cxoneAuthorizedClientService") ReactiveOAuth2AuthorizedClientService clientService,
			ObjectProvider<TokenEventListener> listeners) {
		Duration backoff = properties.getToken().getInitialBackoff();
		return new CxoneTokenManager(clientManager, clientService,
				OAuth2AuthorizeRequest.withClientRegistrationId(REGISTRATION_ID).principal(PRINCIPAL).build(),
				properties.getToken().getRefreshSkew(),
				IntervalFunction.ofExponentialRandomBackoff(backoff, 2.0, 0.5, properties.getToken().getRefreshSkew()),
				refusalBackoff(properties.getToken().getRefusalBackoff()), Clock.systemUTC(),
				TokenEventListener.composite(listeners.orderedStream().toList()));
	}

	private static IntervalFunction refusalBackoff(Duration initial) {
		return IntervalFunction.ofExponentialBackoff(initial, 2.0, initial.multipliedBy(64));
	}

	@Bean(defaultCandidate = false)
	@ConditionalOnMissingBean(name = "cxoneRetry")
	@ConditionalOnBooleanProperty(name = "cxone.retry.enabled", matchIfMissing = true)
	Retry cxoneRetry(CxoneProperties properties, ObjectProvider<RetryRegistry> registry) {
		CxoneProperties.Retry retry = properties.getRetry();
		RetryConfig config = RetryPolicy.retryConfig(retry.getMaxAttempts(),
				IntervalFunction.ofExponentialRandomBackoff(retry.getInitialBackoff(), retry.getMultiplier(), 0.5,
						retry.getMaxBackoff()));
		RetryRegistry applicationRegistry = registry.getIfUnique();
		return (applicationRegistry != null) ? applicationRegistry.retry(RETRY_NAME, config)
				: Retry.of(RETRY_NAME, config);
	}

	@Bean(defaultCandidate = false)
	@ConditionalOnMissingBean(name = "cxoneBlockingTokens")
	BlockingTokens cxoneBlockingTokens(CxoneProperties properties, CxoneTokenManager tokenManager) {
		return new BlockingTokens(tokenManager, properties.getToken().getTimeout());
	}

	@Bean(defaultCandidate = false)
	@ConditionalOnMissingBean(name = "cxoneClientBuilders")
	CxoneClientBuilders cxoneClientBuilders(CxoneProperties properties, CxoneEndpoints endpoints,
			@Qualifier("cxoneBlockingTokens") BlockingTokens tokens,
			@Qualifier("cxoneClientHttpConnector") ClientHttpConnector connector,
			@Qualifier("cxoneClientHttpRequestFactory") ClientHttpRequestFactory requestFactory,
			@Qualifier("cxoneConnectionFailures") ConnectionFailures failures,
			@Qualifier("cxoneRetry") ObjectProvider<Retry> retry, ObjectProvider<ApiEndpointFilter> apiEndpoint,
			ObjectProvider<CxoneWebClientCustomizer> webClientCustomizers,
			ObjectProvider<CxoneRestClientCustomizer> restClientCustomizers) {
		return new CxoneClientBuilders(tokens, endpoints.baseUrl(), apiEndpoint.getIfAvailable(), retry.getIfAvailable(),
				new RetryPolicy(properties.getRetry().isRetryNonIdempotent(), properties.getRetry().getMaxRetryAfter()),
				new CxoneClientBuilders.Connections(connector, requestFactory, failures,
						properties.getHttp().getMaxReplayBodySize()),
				webClientCustomizers.orderedStream().toList(), restClientCustomizers.orderedStream().toList());
	}

	@Bean
	@ConditionalOnMissingBean
	CxoneWebClient cxoneWebClient(@Qualifier("cxoneClientBuilders") CxoneClientBuilders builders,
			ObjectProvider<WebClient.Builder> webClientBuilder) {
		// A clone: the builder is the application's (a singleton bean of its own, perhaps),
		// and its other WebClients must not get CXone's base URL, filters or token. Of several
		// builders the primary one, or else one of the starter's own.
		return new CxoneWebClient(builders.configure(webClientBuilder.getIfUnique(WebClient::builder).clone()).build());
	}

}
