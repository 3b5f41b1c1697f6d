package io.github.cxonestarter.benchmarks;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

import io.github.cxonestarter.cxone.CxoneRestClient;
import io.github.cxonestarter.cxone.CxoneWebClient;
import io.github.cxonestarter.cxone.test.EmbeddedCxone;
import io.github.cxonestarter.cxone.token.CxoneTokenManager;
import reactor.core.publisher.Mono;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.ReactorClientHttpRequestFactory;
import org.springframework.http.client.reactive.ClientHttpConnector;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.security.oauth2.client.AuthorizedClientServiceReactiveOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.InMemoryReactiveOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientProvider;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientProviderBuilder;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.InMemoryReactiveClientRegistrationRepository;
import org.springframework.security.oauth2.client.web.reactive.function.client.ServerOAuth2AuthorizedClientExchangeFilterFunction;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The clients, each with its own pool of the same size: three WebClients, and two
 * RestClients for the blocking scenario.
 */
final class Clients {

	static final int MAX_CONNECTIONS = 100;

	private Clients() {
	}

	/**
	 * A plain WebClient with a static bearer token: the floor.
	 */
	static BenchClient plain(EmbeddedCxone cxone) {
		return plain(cxone, false);
	}

	/**
	 * The floor, with the token set by a filter that copies every request, as token filters
	 * do (VariantsProbe).
	 */
	static BenchClient plainSettingTheTokenInAFilter(EmbeddedCxone cxone) {
		return plain(cxone, true);
	}

	private static BenchClient plain(EmbeddedCxone cxone, boolean tokenInFilter) {
		ConnectionProvider pool = pool("plain");
		WebClient tokenClient = WebClient.builder().clientConnector(connector(pool)).build();
		Map<?, ?> token = tokenClient.post()
			.uri(cxone.tokenUri())
			// RFC 6749 2.3.1: each part form-encoded before Base64.
			.headers((headers) -> headers.setBasicAuth(URLEncoder.encode(EmbeddedCxone.CLIENT_ID, StandardCharsets.UTF_8),
					URLEncoder.encode(EmbeddedCxone.CLIENT_SECRET, StandardCharsets.UTF_8)))
			.bodyValue("grant_type=client_credentials&scope=default")
			.header("Content-Type", "application/x-www-form-urlencoded")
			.retrieve()
			.bodyToMono(Map.class)
			.block(Duration.ofSeconds(30));
		String value = (String) token.get("access_token");
		WebClient.Builder builder = WebClient.builder()
			.clientConnector(connector(pool))
			.baseUrl(cxone.baseUrl())
			.defaultHeader("Accept", "application/json");
		if (tokenInFilter) {
			builder.filter((request, next) -> next
				.exchange(ClientRequest.from(request).headers((headers) -> headers.setBearerAuth(value)).build()));
		}
		else {
			builder.defaultHeader("Authorization", "Bearer " + value);
		}
		if (Boolean.getBoolean("probe.plainNoopFilter")) {
			// A filter that does nothing, to measure what having any filter costs (SteadyProbe).
			builder.filter((request, next) -> next.exchange(request));
		}
		WebClient client = builder.build();
		return new WebClientBench(tokenInFilter ? "plain, token set by a filter" : "plain WebClient", client,
				pool::dispose);
	}

	/**
	 * Spring Security 7's stock reactive client_credentials setup, as its reference
	 * documentation wires it.
	 */
	static BenchClient stock(EmbeddedCxone cxone, Duration clockSkew) {
		ConnectionProvider pool = pool("stock");
		ClientRegistration registration = ClientRegistration.withRegistrationId("cxone")
			.authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
			.clientId(EmbeddedCxone.CLIENT_ID)
			.clientSecret(EmbeddedCxone.CLIENT_SECRET)
			.clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
			.scope("default")
			.tokenUri(cxone.tokenUri())
			.build();
		InMemoryReactiveClientRegistrationRepository registrations = new InMemoryReactiveClientRegistrationRepository(
				registration);
		ReactiveOAuth2AuthorizedClientProvider provider = (clockSkew != null)
				? ReactiveOAuth2AuthorizedClientProviderBuilder.builder()
					.clientCredentials((builder) -> builder.clockSkew(clockSkew))
					.build()
				: ReactiveOAuth2AuthorizedClientProviderBuilder.builder().clientCredentials().build();
		var manager = new AuthorizedClientServiceReactiveOAuth2AuthorizedClientManager(registrations,
				new InMemoryReactiveOAuth2AuthorizedClientService(registrations));
		manager.setAuthorizedClientProvider(provider);
		ServerOAuth2AuthorizedClientExchangeFilterFunction oauth2 = new ServerOAuth2AuthorizedClientExchangeFilterFunction(
				manager);
		oauth2.setDefaultClientRegistrationId("cxone");
		WebClient client = WebClient.builder()
			.clientConnector(connector(pool))
			.baseUrl(cxone.baseUrl())
			.defaultHeader("Accept", "application/json")
			.filter(oauth2)
			.build();
		return new WebClientBench("stock Spring Security", client, pool::dispose);
	}

	/**
	 * CxoneWebClient, auto-configured by the starter.
	 */
	static BenchClient starter(EmbeddedCxone cxone, String... properties) {
		ConfigurableApplicationContext context = starterContext(cxone, properties);
		CxoneWebClient client = context.getBean(CxoneWebClient.class);
		if (Boolean.getBoolean("probe.connectorOnly")) {
			// The starter's connector and pool with a static token and no filters (SteadyProbe).
			String token = context.getBean(CxoneTokenManager.class).getAccessToken().block().getTokenValue();
			WebClient bare = WebClient.builder()
				.clientConnector(context.getBean("cxoneClientHttpConnector", ClientHttpConnector.class))
				.baseUrl(cxone.baseUrl())
				.defaultHeader("Authorization", "Bearer " + token)
				.build();
			return new WebClientBench("bare", bare, context::close);
		}
		return new BenchClient() {

			@Override
			public String name() {
				return "CxoneWebClient";
			}

			@Override
			public Mono<String> call(String path) {
				return client.get().uri(path).retrieve().bodyToMono(String.class);
			}

			@Override
			public void close() {
				context.close();
			}

		};
	}

	/**
	 * A plain RestClient with a static bearer token: the blocking floor. Spring's
	 * {@link ReactorClientHttpRequestFactory} over a Reactor Netty client like the
	 * starter's (its own pool of the same size, HTTP/1.1, no compression, the same
	 * response timeout), as {@code CxoneRestClient} has.
	 */
	static BlockingBenchClient plainRestClient(EmbeddedCxone cxone) {
		ConnectionProvider pool = pool("plain-rest");
		HttpClient httpClient = HttpClient.create(pool)
			.protocol(HttpProtocol.HTTP11)
			.compress(false)
			.responseTimeout(Duration.ofSeconds(30));
		ClientHttpRequestFactory requestFactory = new ReactorClientHttpRequestFactory(httpClient);
		Map<?, ?> token = RestClient.builder()
			.requestFactory(requestFactory)
			.build()
			.post()
			.uri(cxone.tokenUri())
			// RFC 6749 2.3.1: each part form-encoded before Base64.
			.headers((headers) -> headers.setBasicAuth(URLEncoder.encode(EmbeddedCxone.CLIENT_ID, StandardCharsets.UTF_8),
					URLEncoder.encode(EmbeddedCxone.CLIENT_SECRET, StandardCharsets.UTF_8)))
			.contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.body("grant_type=client_credentials&scope=default")
			.retrieve()
			.body(Map.class);
		RestClient client = RestClient.builder()
			.requestFactory(requestFactory)
			.baseUrl(cxone.baseUrl())
			.defaultHeader("Accept", "application/json")
			.defaultHeader("Authorization", "Bearer " + token.get("access_token"))
			.build();
		return new RestClientBench("plain RestClient", client::get, pool::dispose);
	}

	/**
	 * CxoneRestClient, auto-configured by the starter.
	 */
	static BlockingBenchClient starterRestClient(EmbeddedCxone cxone, String... properties) {
		ConfigurableApplicationContext context = starterContext(cxone, properties);
		CxoneRestClient client = context.getBean(CxoneRestClient.class);
		return new RestClientBench("CxoneRestClient", client::get, context::close);
	}

	private static ConfigurableApplicationContext starterContext(EmbeddedCxone cxone, String... properties) {
		return new SpringApplicationBuilder(StarterApp.class)
			.web(WebApplicationType.NONE)
			.logStartupInfo(false)
			.properties(starterProperties(cxone))
			.properties(properties)
			.run();
	}

	/**
	 * The starter's properties for the given server.
	 */
	static String[] starterProperties(EmbeddedCxone cxone) {
		return new String[] { "spring.main.banner-mode=off", "logging.level.root=WARN", "cxone.base-url=" + cxone.baseUrl(),
				"cxone.token-uri=" + cxone.tokenUri(), "cxone.client-id=" + EmbeddedCxone.CLIENT_ID,
				"cxone.client-secret=" + EmbeddedCxone.CLIENT_SECRET, "cxone.http.max-connections=" + MAX_CONNECTIONS };
	}

	private static ConnectionProvider pool(String name) {
		return ConnectionProvider.builder(name).maxConnections(MAX_CONNECTIONS).pendingAcquireMaxCount(-1).build();
	}

	private static ReactorClientHttpConnector connector(ConnectionProvider pool) {
		return new ReactorClientHttpConnector(HttpClient.create(pool).responseTimeout(Duration.ofSeconds(30)));
	}

	record WebClientBench(String name, WebClient client, Runnable onClose) implements BenchClient {

		@Override
		public Mono<String> call(String path) {
			return this.client.get().uri(path).retrieve().bodyToMono(String.class);
		}

		@Override
		public void close() {
			this.onClose.run();
		}

	}

	/**
	 * A RestClient under benchmark, or CxoneRestClient, by its {@code get()}.
	 */
	record RestClientBench(String name, Supplier<RestClient.RequestHeadersUriSpec<?>> get,
			Runnable onClose) implements BlockingBenchClient {

		@Override
		public String call(String path) {
			return this.get.get().uri(path).retrieve().body(String.class);
		}

		@Override
		public void close() {
			this.onClose.run();
		}

	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class StarterApp {

	}

}
