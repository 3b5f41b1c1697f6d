package io.github.cxonestarter.cxone;

import org.springframework.http.HttpMethod;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The client to call CXone with: a {@link WebClient} whose base URL is the tenant's API,
 * that sends {@code Accept: application/json}, and that puts a valid bearer token on
 * every request. Relative URIs resolve against the base URL:
 * <pre class="code">
 * cxone.get().uri("/platform/v1/whoami").retrieve().bodyToMono(Map.class);
 * </pre>
 * It is deliberately not a {@code WebClient} bean, so that an application which injects
 * {@code WebClient} by type keeps getting its own.
 *
 * @since 0.1.0
 */
public final class CxoneWebClient {

	/**
	 * Request attribute that, set to {@code true}, turns the starter's retries off for one
	 * request, for callers that do their own retrying:
	 * {@code cxone.get().uri(...).attribute(CxoneWebClient.NO_RETRY, true)}.
	 */
	public static final String NO_RETRY = CxoneWebClient.class.getName() + ".noRetry";

	/**
	 * Request attribute that, set to {@code true}, lets a non-idempotent request (POST,
	 * PATCH) be retried after 5xx, timeouts and connection errors too. 429 is retried for
	 * every method anyway.
	 */
	public static final String RETRY_NON_IDEMPOTENT = CxoneWebClient.class.getName() + ".retryNonIdempotent";

	private final WebClient webClient;

	public CxoneWebClient(WebClient webClient) {
		this.webClient = webClient;
	}

	/**
	 * Start a GET request.
	 * @return the request spec
	 */
	public WebClient.RequestHeadersUriSpec<?> get() {
		return this.webClient.get();
	}

	/**
	 * Start a HEAD request.
	 * @return the request spec
	 */
	public WebClient.RequestHeadersUriSpec<?> head() {
		return this.webClient.head();
	}

	/**
	 * Start a POST request.
	 * @return the request spec
	 */
	public WebClient.RequestBodyUriSpec post() {
		return this.webClient.post();
	}

	/**
	 * Start a PUT request.
	 * @return the request spec
	 */
	public WebClient.RequestBodyUriSpec put() {
		return this.webClient.put();
	}

	/**
	 * Start a PATCH request.
	 * @return the request spec
	 */
	public WebClient.RequestBodyUriSpec patch() {
		return this.webClient.patch();
	}

	/**
	 * Start a DELETE request.
	 * @return the request spec
	 */
	public WebClient.RequestHeadersUriSpec<?> delete() {
		return this.webClient.delete();
	}

	/**
	 * Start an OPTIONS request.
	 * @return the request spec
	 */
	public WebClient.RequestHeadersUriSpec<?> options() {
		return this.webClient.options();
	}

	/**
	 * Start a request with the given method.
	 * @param method the HTTP method
	 * @return the request spec
	 */
	public WebClient.RequestBodyUriSpec method(HttpMethod method) {
		return this.webClient.method(method);
	}

	/**
	 * Return the underlying {@link WebClient}, for APIs that need one (HTTP interface
	 * clients, for example).
	 * @return the web client
	 */
	public WebClient webClient() {
		return this.webClient;
	}

	@Override
	public String toString() {
		return "CxoneWebClient";
	}

}
