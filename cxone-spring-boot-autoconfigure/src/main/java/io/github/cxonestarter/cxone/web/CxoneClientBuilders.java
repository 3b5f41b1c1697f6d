package io.github.cxonestarter.cxone.web;

import java.net.URI;
import java.util.List;
import java.util.function.UnaryOperator;

import io.github.cxonestarter.cxone.CxoneRestClient;
import io.github.cxonestarter.cxone.CxoneRestClientCustomizer;
import io.github.cxonestarter.cxone.CxoneWebClient;
import io.github.cxonestarter.cxone.CxoneWebClientCustomizer;
import io.github.cxonestarter.cxone.PropertyNames;
import io.github.cxonestarter.cxone.accesskey.ApiEndpointFilter;
import io.github.cxonestarter.cxone.http.ConnectionFailures;
import io.github.cxonestarter.cxone.metrics.CxoneInstrumentation;
import io.github.cxonestarter.cxone.token.BlockingTokens;
import io.github.resilience4j.retry.Retry;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.reactive.ClientHttpConnector;
import org.springframework.http.codec.ClientCodecConfigurer;
import org.springframework.util.unit.DataSize;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Configures a WebClient or RestClient builder to call CXone, the same way for
 * {@link CxoneWebClient}, {@link CxoneRestClient} and the clients of the {@code cxone}
 * HTTP service group: the API's base URL (a placeholder resolved per request when the API
 * host is discovered), {@code Accept: application/json}, the starter's connector or
 * request factory (so {@code cxone.http.*} applies), the token, the retries and the typed
 * errors, then the customizers. The builders given are changed: pass a clone of any
 * builder the application owns.
 *
 * @since 0.1.0
 */
public final class CxoneClientBuilders {

	private static final String BASE_URL = "cxone.base-url";

	private final URI baseUrl;

	private final Connections connections;

	private final CallSettings calls;

	private final List<CxoneWebClientCustomizer> webClientCustomizers;

	private final List<CxoneRestClientCustomizer> restClientCustomizers;

	/**
	 * Create a new instance.
	 * @param blockingTokens the token, through the application's token manager
	 * @param baseUrl the API's base URL, or {@code null} when it is discovered
	 * @param discovered the discovery of the API host, when {@code baseUrl} is {@code null}
	 * @param retry the Resilience4j retry, or {@code null} when retries are off
	 * @param policy what is retried
	 * @param connections how connections are made, and how their failures are worded
	 * @param instrumentation what the clients report, for meters
	 * @param webClientCustomizers the customizers of WebClient builders
	 * @param restClientCustomizers the customizers of RestClient builders
	 */
	public CxoneClientBuilders(BlockingTokens blockingTokens, URI baseUrl, ApiEndpointFilter discovered, Retry retry,
			RetryPolicy policy, Connections connections, CxoneInstrumentation instrumentation,
			List<CxoneWebClientCustomizer> webClientCustomizers, List<CxoneRestClientCustomizer> restClientCustomizers) {
		this.baseUrl = baseUrl;
		this.connections = connections;
		this.calls = new CallSettings(blockingTokens, baseUrl, discovered, retry, policy, connections.failures(),
				connections.urlProperty(), connections.maxReplayBodySize().toBytes(), instrumentation,
				connections.naming());
		this.webClientCustomizers = webClientCustomizers;
		this.restClientCustomizers = restClientCustomizers;
	}

	private String baseUrlValue() {
		return ((this.baseUrl != null) ? this.baseUrl : ApiEndpointFilter.PLACEHOLDER).toString();
	}

	/**
	 * Configure the given WebClient builder.
	 * @param builder the builder, a clone if the application owns it
	 * @return the builder
	 */
	public WebClient.Builder configure(WebClient.Builder builder) {
		// Request details are not logged, whatever spring.http.codecs.log-request-details says:
		// they would show the bearer token.
		builder.codecs(CxoneClientBuilders::withoutRequestDetails)
			.clientConnector(this.connections.connector())
			.baseUrl(baseUrlValue())
			.defaultHeader(HttpHeaders.ACCEPT, MediaType.APPLICATION_JSON_VALUE)
			// One filter: the body kept for every attempt, the origin check, the token, the replay
			// after a 401, the retries, typed errors and the meters; the customizers' filters follow it.
			.filter(new CxoneExchangeFilter(this.calls));
		this.webClientCustomizers.forEach((customizer) -> customizer.customize(builder));
		return builder;
	}

	/**
	 * Configure the given RestClient builder.
	 * @param builder the builder, a clone if the application owns it
	 * @return the builder
	 */
	public RestClient.Builder configure(RestClient.Builder builder) {
		builder.requestFactory(this.connections.requestFactory())
			.baseUrl(baseUrlValue())
			.defaultHeader(HttpHeaders.ACCEPT, MediaType.APPLICATION_JSON_VALUE)
			.requestInterceptor(new CxoneRestClientInterceptor(this.calls));
		this.restClientCustomizers.forEach((customizer) -> customizer.customize(builder));
		return builder;
	}

	/**
	 * Turn off the logging of request details (headers, form data) of WebClient codecs,
	 * whatever {@code spring.http.codecs.log-request-details} says: they would show
	 * secrets and tokens.
	 * @param codecs the codecs
	 */
	public static void withoutRequestDetails(ClientCodecConfigurer codecs) {
		codecs.defaultCodecs().enableLoggingRequestDetails(false);
	}

	/**
	 * How the clients connect to CXone: one set of {@code cxone.http.*} settings, for
	 * both HTTP client APIs.
	 *
	 * @param connector the WebClient connector
	 * @param requestFactory the RestClient request factory
	 * @param failures how failures to get an answer are typed and worded
	 * @param maxReplayBodySize the largest body that is sent again
	 * @param naming a tenant's name of each {@code cxone.*} property, as its errors name
	 * them, like {@code cxone.tenants.east.base-url}; {@code null} for the top-level names
	 */
	public record Connections(ClientHttpConnector connector, ClientHttpRequestFactory requestFactory,
			ConnectionFailures failures, DataSize maxReplayBodySize, UnaryOperator<String> naming) {

		String urlProperty() {
			return PropertyNames.described(isTenant() ? this.naming.apply(BASE_URL) : BASE_URL);
		}

		boolean isTenant() {
			return this.naming != null;
		}

	}

}
