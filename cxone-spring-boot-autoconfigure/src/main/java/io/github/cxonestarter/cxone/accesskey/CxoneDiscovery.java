package io.github.cxonestarter.cxone.accesskey;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.github.cxonestarter.cxone.CxoneConnectionException;
import io.github.cxonestarter.cxone.CxoneDiscoveryException;
import io.github.cxonestarter.cxone.CxoneFailures;
import io.github.cxonestarter.cxone.CxoneUrls;
import reactor.core.publisher.Mono;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Reads CXone's discovery documents, without authentication: the token endpoint from
 * {@code {issuer}/.well-known/openid-configuration}, and a tenant's API host from
 * {@code {issuer}/.well-known/cxone-configuration?tenantId=...}. Answers are cached once
 * read; failures are not, so the next call tries again. Discovered URLs must be ones that
 * credentials may be sent to ({@link CxoneUrls}).
 *
 * @since 0.1.0
 */
public class CxoneDiscovery {

	private static final ParameterizedTypeReference<Map<String, Object>> JSON_OBJECT = new ParameterizedTypeReference<>() {
	};

	private static final Duration CACHE_TTL = Duration.ofHours(24);

	private final WebClient webClient;

	private final URI issuer;

	private final URI configuredTokenUri;

	private final URI openIdConfiguration;

	private final Mono<URI> tokenEndpoint;

	private final Map<String, Mono<URI>> apiEndpoints = new ConcurrentHashMap<>();

	/**
	 * Create a new instance.
	 * @param webClient a client without authentication
	 * @param issuer the issuer, like {@code https://cxone.niceincontact.com}
	 * @param configuredTokenUri a token endpoint that replaces discovery, or {@code null}
	 */
	public CxoneDiscovery(WebClient webClient, URI issuer, URI configuredTokenUri) {
		this.webClient = webClient;
		this.issuer = issuer;
		this.configuredTokenUri = configuredTokenUri;
		this.openIdConfiguration = wellKnown("openid-configuration").build(true).toUri();
		this.tokenEndpoint = cached(read(this.openIdConfiguration, "token_endpoint",
				"cxone.token-uri (CXONE_TOKEN_URI) to skip this discovery"));
	}

	/**
	 * Return the token endpoint: the configured one, or the issuer's.
	 * @return the token endpoint
	 */
	public Mono<URI> tokenEndpoint() {
		return (this.configuredTokenUri != null) ? Mono.just(this.configuredTokenUri) : this.tokenEndpoint;
	}

	/**
	 * Return the API host of a tenant.
	 * @param tenantId the tenant, from the token's {@code tenantId} claim
	 * @return the API endpoint, like {@code https://api-na1.niceincontact.com}
	 */
	public Mono<URI> apiEndpoint(String tenantId) {
		return this.apiEndpoints.computeIfAbsent(tenantId, (tenant) -> cached(read(
				wellKnown("cxone-configuration").queryParam("tenantId", tenant).encode().build().toUri(), "api_endpoint",
				"cxone.base-url (CXONE_BASE_URL) to skip this discovery")));
	}

	/**
	 * Return the URL of the issuer's OpenID configuration.
	 * @return the URL
	 */
	public URI openIdConfiguration() {
		return this.openIdConfiguration;
	}

	/**
	 * Return the issuer.
	 * @return the issuer
	 */
	public URI getIssuer() {
		return this.issuer;
	}

	private UriComponentsBuilder wellKnown(String document) {
		String base = this.issuer.toString();
		return UriComponentsBuilder
			.fromUriString((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/.well-known/" + document);
	}

	private Mono<URI> read(URI url, String field, String override) {
		String where = "CXone's discovery document " + url;
		String fix = " Check cxone.issuer (CXONE_ISSUER) and the network path to it, or set " + override + ".";
		return this.webClient.get()
			.uri(url)
			.accept(MediaType.APPLICATION_JSON)
			.retrieve()
			.bodyToMono(JSON_OBJECT)
			.onErrorMap((ex) -> !(ex instanceof CxoneDiscoveryException), (ex) -> new CxoneDiscoveryException(
					url.toString(), where + " could not be read" + ((ex instanceof CxoneConnectionException connection)
							? ". " + connection.getMessage() : " (" + CxoneFailures.rootCause(ex) + ").") + fix, ex))
			.switchIfEmpty(Mono.error(() -> new CxoneDiscoveryException(url.toString(), where + " is empty." + fix, null)))
			.map((document) -> {
				Object value = document.get(field);
				if (!(value instanceof String text) || text.isBlank()) {
					throw new CxoneDiscoveryException(url.toString(), where + " has no " + field + "." + fix, null);
				}
				URI discovered;
				try {
					discovered = new URI(text.strip());
				}
				catch (URISyntaxException ex) {
					throw new CxoneDiscoveryException(url.toString(),
							where + " gives " + field + " '" + text + "', which is not a URL." + fix, null);
				}
				String problem = CxoneUrls.problem(discovered);
				if (problem != null) {
					throw new CxoneDiscoveryException(url.toString(),
							where + " gives " + field + " '" + text + "', which " + problem + "." + fix, null);
				}
				return discovered;
			});
	}

	private static Mono<URI> cached(Mono<URI> source) {
		return source.cache((value) -> CACHE_TTL, (error) -> Duration.ZERO, () -> Duration.ZERO);
	}

}
