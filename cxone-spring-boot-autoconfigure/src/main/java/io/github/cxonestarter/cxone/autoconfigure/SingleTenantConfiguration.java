package io.github.cxonestarter.cxone.autoconfigure;

import java.util.List;
import java.util.function.UnaryOperator;

import io.github.cxonestarter.cxone.CxoneClients;
import io.github.cxonestarter.cxone.CxoneRestClient;
import io.github.cxonestarter.cxone.CxoneRestClientCustomizer;
import io.github.cxonestarter.cxone.CxoneTenant;
import io.github.cxonestarter.cxone.CxoneWebClient;
import io.github.cxonestarter.cxone.CxoneWebClientCustomizer;
import io.github.cxonestarter.cxone.accesskey.ApiEndpointFilter;
import io.github.cxonestarter.cxone.http.ConnectionFailures;
import io.github.cxonestarter.cxone.http.CxoneHttpSettings;
import io.github.cxonestarter.cxone.http.CxoneRequestFactory;
import io.github.cxonestarter.cxone.http.ReactorHttpClients;
import io.github.cxonestarter.cxone.metrics.CxoneInstrumentation;
import io.github.cxonestarter.cxone.metrics.CxoneMetrics;
import io.github.cxonestarter.cxone.token.BlockingTokens;
import io.github.cxonestarter.cxone.token.CxoneTokenManager;
import io.github.cxonestarter.cxone.token.TokenEventListener;
import io.github.cxonestarter.cxone.web.CxoneClientBuilders;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.reactive.ClientHttpConnector;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientService;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The one tenant of the top-level {@code cxone.*} keys, as beans: each made by one of
 * {@link CxoneTenantAssembler}'s methods, so that an application can replace any of them.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnMultiTenant(false)
class SingleTenantConfiguration {

	private static final Log logger = LogFactory.getLog(CxoneAutoConfiguration.class);

	@Bean
	@ConditionalOnMissingBean
	CxoneEndpoints cxoneEndpoints(CxoneProperties properties) {
		CxoneEndpoints endpoints = CxonePropertiesValidator.validate(properties);
		logger.info(endpoints.describe());
		return endpoints;
	}

	@Bean(defaultCandidate = false, destroyMethod = "dispose")
	@ConditionalOnMissingBean(name = "cxoneConnectionProvider")
	ConnectionProvider cxoneConnectionProvider(CxoneProperties properties) {
		return CxoneTenantAssembler.connectionProvider(CxoneAutoConfiguration.REGISTRATION_ID, properties);
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
		return CxoneTenantAssembler.connectionFailures(properties, settings);
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
		return CxoneTenantAssembler.tokenRetry(CxoneAutoConfiguration.TOKEN_RETRY_NAME, properties);
	}

	@Bean(defaultCandidate = false)
	@ConditionalOnMissingBean(name = "cxoneTokenWebClient")
	WebClient cxoneTokenWebClient(@Qualifier("cxoneClientHttpConnector") ClientHttpConnector connector,
			@Qualifier("cxoneConnectionFailures") ConnectionFailures failures) {
		return CxoneTenantAssembler.tokenWebClient(connector, failures,
				CxoneTenantAssembler.tokenUrlProperty(UnaryOperator.identity()));
	}

	@Bean(defaultCandidate = false)
	@ConditionalOnMissingBean(name = "cxoneInstrumentation")
	CxoneInstrumentation cxoneInstrumentation(ObjectProvider<CxoneMetrics> metrics,
			ObjectProvider<CxoneInstrumentation.Factory> factory, @Qualifier("cxoneRetry") ObjectProvider<Retry> retry,
			@Qualifier("cxoneTokenRetry") Retry tokenRetry) {
		// The application's meters of the one tenant, when Micrometer is there: the cxoneMetrics bean.
		CxoneMetrics own = metrics.getIfUnique();
		if (own != null) {
			return own;
		}
		CxoneInstrumentation.Factory meters = factory.getIfAvailable();
		return (meters != null) ? meters.forTenant(CxoneClients.DEFAULT_TENANT, retry.getIfAvailable(), tokenRetry)
				: CxoneInstrumentation.NONE;
	}

	@Bean
	@ConditionalOnMissingBean
	CxoneTokenManager cxoneTokenManager(CxoneProperties properties,
			@Qualifier("cxoneAuthorizedClientManager") ReactiveOAuth2AuthorizedClientManager clientManager,
			@Qualifier("cxoneAuthorizedClientService") ReactiveOAuth2AuthorizedClientService clientService,
			ObjectProvider<TokenEventListener> listeners,
			@Qualifier("cxoneInstrumentation") CxoneInstrumentation instrumentation) {
		return CxoneTenantAssembler.tokenManager(properties, clientManager, clientService,
				CxoneAutoConfiguration.REGISTRATION_ID, TokenEventListener.composite(
						CxoneTenantAssembler.with(CxoneAutoConfiguration.applicationListeners(listeners), instrumentation)));
	}

	@Bean(defaultCandidate = false)
	@ConditionalOnMissingBean(name = "cxoneRetry")
	@ConditionalOnBooleanProperty(name = "cxone.retry.enabled", matchIfMissing = true)
	Retry cxoneRetry(CxoneProperties properties, ObjectProvider<RetryRegistry> registry) {
		return CxoneTenantAssembler.retry(CxoneAutoConfiguration.RETRY_NAME, properties, registry.getIfUnique());
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
			ObjectProvider<CxoneRestClientCustomizer> restClientCustomizers,
			@Qualifier("cxoneInstrumentation") CxoneInstrumentation instrumentation) {
		return CxoneTenantAssembler.clientBuilders(properties, endpoints, tokens,
				new CxoneClientBuilders.Connections(connector, requestFactory, failures,
						properties.getHttp().getMaxReplayBodySize(), null),
				retry.getIfAvailable(), apiEndpoint.getIfAvailable(), instrumentation,
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

	@Bean(destroyMethod = "removeAll")
	@ConditionalOnMissingBean
	CxoneClients cxoneClients(@Qualifier("cxoneTenantAssembler") CxoneTenantAssembler assembler,
			CxoneProperties properties, CxoneTokenManager tokenManager, CxoneWebClient webClient,
			ObjectProvider<CxoneRestClient> restClient) {
		// The one tenant is the beans above; tenants registered at run time join it.
		CxoneTenant tenant = new CxoneTenant(CxoneClients.DEFAULT_TENANT, CxoneAutoConfiguration.REGISTRATION_ID,
				UnaryOperator.identity(), tokenManager, webClient, restClient.getIfAvailable(),
				CxoneTenantAssembler.healthCheck(properties), (reason) -> Mono.empty());
		return new CxoneClients(assembler::assemble, List.of(tenant), false);
	}

}
