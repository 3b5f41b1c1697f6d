package io.github.cxonestarter.cxone.accesskey;

import java.net.URI;
import java.util.function.Supplier;

import reactor.core.publisher.Mono;

import org.springframework.web.util.UriComponentsBuilder;

/**
 * The API host of an access-key tenant, discovered on the first call, and the placeholder
 * its clients are built with until then: the starter's WebClient filter and RestClient
 * interceptor send requests made against {@link #PLACEHOLDER} to the discovered host
 * ({@link #resolve}). The placeholder is under the reserved {@code .invalid} domain, so a
 * request that was not sent there can never reach a real host.
 *
 * @since 0.1.0
 */
public class ApiEndpointFilter {

	/**
	 * The base URL that {@code CxoneWebClient} is built with until the API host is known.
	 */
	public static final URI PLACEHOLDER = URI.create("https://cxone-api.discovered.invalid");

	private final Supplier<Mono<URI>> apiEndpoint;

	private volatile URI known;

	public ApiEndpointFilter(Supplier<Mono<URI>> apiEndpoint) {
		this.apiEndpoint = apiEndpoint;
	}

	/**
	 * Return the API endpoint once it is known, without discovering it.
	 * @return the API endpoint, or {@code null} until it is discovered
	 */
	public URI known() {
		return this.known;
	}

	/**
	 * Return the API endpoint requests are sent to, discovering it when needed.
	 * @return the API endpoint
	 */
	public Mono<URI> apiEndpoint() {
		// The tenant, and so its API host, does not change: once known, no token or discovery lookup.
		URI endpoint = this.known;
		return (endpoint != null) ? Mono.just(endpoint)
				: this.apiEndpoint.get().doOnNext((discovered) -> this.known = discovered);
	}

	/**
	 * Return whether the given URL still has the {@link #PLACEHOLDER} host, to be replaced
	 * by the discovered API endpoint.
	 * @param url the URL requested
	 * @return whether it is to be resolved
	 */
	public static boolean isPlaceholder(URI url) {
		return PLACEHOLDER.getHost().equalsIgnoreCase(url.getHost());
	}

	/**
	 * Return the given placeholder URL on the discovered API endpoint: its path and query
	 * kept as they are, encoded.
	 * @param apiEndpoint the discovered API endpoint
	 * @param url the URL requested
	 * @return the URL to send the request to
	 */
	public static URI resolve(URI apiEndpoint, URI url) {
		return UriComponentsBuilder.fromUri(apiEndpoint).path(url.getRawPath()).query(url.getRawQuery()).build(true).toUri();
	}

}
