package io.github.cxonestarter.cxone.test;

import java.time.Instant;
import java.util.Map;

/**
 * A request that {@link EmbeddedCxone} received, with the status it answered.
 *
 * @param method the HTTP method
 * @param path the path, without the query
 * @param query the query string, or an empty string
 * @param headers the request headers, names in lower case (first value of each)
 * @param body the request body as text
 * @param receivedAt when the request arrived
 * @param status the status answered
 * @since 0.1.0
 */
public record RecordedRequest(String method, String path, String query, Map<String, String> headers, String body,
		Instant receivedAt, int status) {

	/**
	 * Return a header's value.
	 * @param name the header name, in any case
	 * @return the value or {@code null}
	 */
	public String header(String name) {
		return this.headers.get(name.toLowerCase(java.util.Locale.ROOT));
	}

	/**
	 * Return whether this was a call to the token endpoint.
	 * @return whether the path is the token endpoint's
	 */
	public boolean isTokenRequest() {
		return Paths.isToken(this.path);
	}

	/**
	 * Return whether this was a call to a discovery document.
	 * @return whether the path is under {@code /.well-known/}
	 */
	public boolean isDiscoveryRequest() {
		return this.path.startsWith("/.well-known/");
	}

}
