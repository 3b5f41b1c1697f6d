package io.github.cxonestarter.cxone;

import org.springframework.http.HttpMethod;
import org.springframework.web.client.RestClient;

/**
 * The blocking client to call CXone with, for servlet applications: a {@link RestClient}
 * whose base URL is the tenant's API, that sends {@code Accept: application/json}, and
 * that puts a valid bearer token on every request, with the guarantees of
 * {@link CxoneWebClient}: the same token, one token request for both, a 401 replayed once
 * with a new token, 429 and transient failures retried, typed errors. Relative URIs
 * resolve against the base URL:
 * <pre class="code">
 * cxone.get().uri("/platform/v1/whoami").retrieve().body(Map.class);
 * </pre>
 * It blocks the calling thread (a platform or a virtual thread), so it refuses to run on a
 * Reactor non-blocking thread. It is deliberately not a {@code RestClient} bean, so that
 * an application which injects {@code RestClient} by type keeps getting its own.
 *
 * @since 0.1.0
 */
public final class CxoneRestClient {

	/**
	 * Request attribute that, set to {@code true}, turns the starter's retries off for one
	 * request: {@code cxone.get().uri(...).attribute(CxoneRestClient.NO_RETRY, true)}.
	 * The same as {@link CxoneWebClient#NO_RETRY}.
	 */
	public static final String NO_RETRY = CxoneWebClient.NO_RETRY;

	/**
	 * Request attribute that, set to {@code true}, lets a non-idempotent request (POST,
	 * PATCH) be retried after 5xx, timeouts and connection errors too. The same as
	 * {@link CxoneWebClient#RETRY_NON_IDEMPOTENT}.
	 */
	public static final String RETRY_NON_IDEMPOTENT = CxoneWebClient.RETRY_NON_IDEMPOTENT;

	private final RestClient restClient;

	public CxoneRestClient(RestClient restClient) {
		this.restClient = restClient;
	}

	/**
	 * Start a GET request.
	 * @return the request spec
	 */
	public RestClient.RequestHeadersUriSpec<?> get() {
		return this.restClient.get();
	}

	/**
	 * Start a HEAD request.
	 * @return the request spec
	 */
	public RestClient.RequestHeadersUriSpec<?> head() {
		return this.restClient.head();
	}

	/**
	 * Start a POST request.
	 * @return the request spec
	 */
	public RestClient.RequestBodyUriSpec post() {
		return this.restClient.post();
	}

	/**
	 * Start a PUT request.
	 * @return the request spec
	 */
	public RestClient.RequestBodyUriSpec put() {
		return this.restClient.put();
	}

	/**
	 * Start a PATCH request.
	 * @return the request spec
	 */
	public RestClient.RequestBodyUriSpec patch() {
		return this.restClient.patch();
	}

	/**
	 * Start a DELETE request.
	 * @return the request spec
	 */
	public RestClient.RequestHeadersUriSpec<?> delete() {
		return this.restClient.delete();
	}

	/**
	 * Start an OPTIONS request.
	 * @return the request spec
	 */
	public RestClient.RequestHeadersUriSpec<?> options() {
		return this.restClient.options();
	}

	/**
	 * Start a request with the given method.
	 * @param method the HTTP method
	 * @return the request spec
	 */
	public RestClient.RequestBodyUriSpec method(HttpMethod method) {
		return this.restClient.method(method);
	}

	/**
	 * Return the underlying {@link RestClient}, for APIs that need one (HTTP interface
	 * clients, for example).
	 * @return the rest client
	 */
	public RestClient restClient() {
		return this.restClient;
	}

	@Override
	public String toString() {
		return "CxoneRestClient";
	}

}
