package io.github.cxonestarter.cxone.autoconfigure;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;

import io.github.cxonestarter.cxone.CxoneWebClient;
import io.github.cxonestarter.cxone.CxoneWebClientCustomizer;
import io.github.cxonestarter.cxone.accesskey.ApiEndpointFilter;
import io.github.cxonestarter.cxone.http.ConnectionFailures;
import io.github.cxonestarter.cxone.http.CxoneHttpSettings;
import io.github.cxonestarter.cxone.http.ReactorHttpClients;
import io.github.cxonestarter.cxone.token.CxoneTokenManager;
import io.github.cxonestarter.cxone.token.RetryingTokenResponseClient;
import io.github.cxonestarter.cxone.token.TokenEventListener;
import io.github.cxonestarter.cxone.web.CxoneAuthorizationFilter;
import io.github.cxonestarter.cxone.web.CxoneConnectionFilter;
import io.github.cxonestarter.cxone.web.CxoneRequestBodyFilter;
import io.github.cxonestarter.cxone.web.CxoneRetryFilter;
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
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ClientHttpConnector;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.http.codec.ClientCodecConfigurer;
import org.springframework.security.oauth2.client.InMemoryReactiveOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.registration.ReactiveClientRegistrationRepository;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} for {@link CxoneWebClient}: a CXone client registration of its own,
 * an application-scoped token manager on Spring Security's OAuth2 client, and a
 * {@link WebClient} built from Boot's {@link WebClient.Builder}.
 * <p>
 * The registration repository, the token store and Spring Security's client manager are
 * beans that are not default candidates for injection, so that an application's own
 * {@code spring.security.oauth2.client.*} beans keep working untouched.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = WebClientAutoConfiguration.class)
@ConditionalOnClass({ WebClient.class, ReactiveOAuth2AuthorizedClientManager.class, HttpClient.class })
@ConditionalOnBooleanProperty(name = "cxone.enabled", matchIfMissing = true)
@EnableConfigurationProperties(CxoneProperties.class)
@Import({ ClientCredentialsConfiguration.class, AccessKeyConfiguration.class })
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
	@ConditionalOnMissingBean(name = "cxoneClientHttpConnector")
	ClientHttpConnector cxoneClientHttpConnector(@Qualifier("cxoneHttpSettings") CxoneHttpSettings settings,
			@Qualifier("cxoneConnectionProvider") ConnectionProvider connectionProvider) {
		return new ReactorClientHttpConnector(ReactorHttpClients.create(settings, connectionProvider));
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
			.codecs(CxoneAutoConfiguration::withoutRequestDetails)
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

	private static void withoutRequestDetails(ClientCodecConfigurer codecs) {
		codecs.defaultCodecs().enableLoggingRequestDetails(false);
	}

	private static IntervalFunction refusalBackoff(Duration initial) {
		return IntervalFunction.ofExponentialBackoff(initial, 2.0, initial.multipliedBy(64));
	}

	@Bean(defaultCandidate = false)
	@ConditionalOnMissingBean(name = "cxoneRetry")
	@ConditionalOnBooleanProperty(name = "cxone.retry.enabled", matchIfMissing = true)
	Retry cxoneRetry(CxoneProperties properties, ObjectProvider<RetryRegistry> registry) {
		CxoneProperties.Retry retry = properties.getRetry();
		RetryConfig config = CxoneRetryFilter.retryConfig(retry.getMaxAttempts(),
				IntervalFunction.ofExponentialRandomBackoff(retry.getInitialBackoff(), retry.getMultiplier(), 0.5,
						retry.getMaxBackoff()));
		RetryRegistry applicationRegistry = registry.getIfUnique();
		return (applicationRegistry != null) ? applicationRegistry.retry(RETRY_NAME, config)
				: Retry.of(RETRY_NAME, config);
	}

	@Bean
	@ConditionalOnMissingBean
	CxoneWebClient cxoneWebClient(CxoneProperties properties, CxoneEndpoints endpoints, CxoneTokenManager tokenManager,
			@Qualifier("cxoneClientHttpConnector") ClientHttpConnector connector,
			@Qualifier("cxoneConnectionFailures") ConnectionFailures failures,
			@Qualifier("cxoneRetry") ObjectProvider<Retry> retry, ObjectProvider<ApiEndpointFilter> apiEndpoint,
			ObjectProvider<WebClient.Builder> webClientBuilder, ObjectProvider<CxoneWebClientCustomizer> customizers) {
		URI baseUrl = (endpoints.baseUrl() != null) ? endpoints.baseUrl() : ApiEndpointFilter.PLACEHOLDER;
		// A clone: the builder is the application's (a singleton bean of its own, perhaps),
		// and its other WebClients must not get CXone's base URL, filters or token. Request
		// details are not logged, whatever spring.http.codecs.log-request-details says: they
		// would show the bearer token.
		WebClient.Builder builder = webClientBuilder.getIfAvailable(WebClient::builder)
			.clone()
			.codecs(CxoneAutoConfiguration::withoutRequestDetails)
			.clientConnector(connector)
			.baseUrl(baseUrl.toString())
			.defaultHeader(HttpHeaders.ACCEPT, MediaType.APPLICATION_JSON_VALUE);
		// First, so that every attempt below (retries, the replay after a 401) sends the same bytes.
		builder.filter(new CxoneRequestBodyFilter(properties.getHttp().getMaxReplayBodySize()));
		apiEndpoint.ifAvailable(builder::filter);
		// Retry wraps authorization, so that every attempt gets a valid token.
		retry.ifAvailable((cxoneRetry) -> builder.filter(new CxoneRetryFilter(cxoneRetry,
				properties.getRetry().isRetryNonIdempotent(), properties.getRetry().getMaxRetryAfter())));
		ApiEndpointFilter discovered = apiEndpoint.getIfAvailable();
		builder.filter((discovered != null) ? new CxoneAuthorizationFilter(tokenManager, discovered::apiEndpoint)
				: new CxoneAuthorizationFilter(tokenManager, baseUrl));
		// Innermost, so that every attempt's failure to get an answer is typed before the retry judges it.
		builder.filter(new CxoneConnectionFilter(failures, "cxone.base-url (CXONE_BASE_URL)"));
		customizers.orderedStream().forEach((customizer) -> customizer.customize(builder));
		return new CxoneWebClient(builder.build());
	}

}
