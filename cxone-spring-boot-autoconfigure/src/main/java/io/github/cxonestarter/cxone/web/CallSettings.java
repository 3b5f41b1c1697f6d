package io.github.cxonestarter.cxone.web;

import java.net.URI;
import java.util.function.UnaryOperator;

import io.github.cxonestarter.cxone.CxoneException;
import io.github.cxonestarter.cxone.accesskey.ApiEndpointFilter;
import io.github.cxonestarter.cxone.http.ConnectionFailures;
import io.github.cxonestarter.cxone.metrics.CxoneInstrumentation;
import io.github.cxonestarter.cxone.token.BlockingTokens;
import io.github.resilience4j.retry.Retry;

/**
 * What every call of one tenant's clients is given, the same for the WebClient's
 * {@link CxoneExchangeFilter} and the RestClient's {@link CxoneRestClientInterceptor}.
 *
 * @param tokens the token, blocking or not, through the tenant's token manager
 * @param fixedOrigin the CXone API's base URL, or {@code null} when it is discovered: the
 * token is only sent to its scheme, host and port
 * @param discovered the discovered API endpoint, when {@code fixedOrigin} is {@code null}
 * @param retry the Resilience4j retry, configured by {@link RetryPolicy#retryConfig}, or
 * {@code null} when retries are off
 * @param policy what is retried
 * @param failures how failures to get an answer are typed and worded
 * @param urlProperty the property that sets the URLs the clients request, for messages,
 * like {@code cxone.base-url (CXONE_BASE_URL)}
 * @param maxReplayBodySize the largest body, in bytes, that is kept to be sent again
 * @param instrumentation what the answers are reported to
 * @param naming a tenant's name of each {@code cxone.*} property, for its errors, or
 * {@code null} for the top-level names
 * @since 0.1.0
 */
public record CallSettings(BlockingTokens tokens, URI fixedOrigin, ApiEndpointFilter discovered, Retry retry,
		RetryPolicy policy, ConnectionFailures failures, String urlProperty, long maxReplayBodySize,
		CxoneInstrumentation instrumentation, UnaryOperator<String> naming) {

	/**
	 * Return the API's origin if it is known now: the configured base URL, or the
	 * discovered host once it is discovered.
	 * @return the origin, or {@code null} until the host is discovered
	 */
	URI knownOrigin() {
		return (this.fixedOrigin != null) ? this.fixedOrigin : this.discovered.known();
	}

	/**
	 * Return the URL a request is sent to: on the discovered host when it was made against
	 * {@link ApiEndpointFilter#PLACEHOLDER}, as it is otherwise.
	 * @param origin the API's origin
	 * @param requested the URL requested
	 * @return the URL to send to
	 */
	static URI target(URI origin, URI requested) {
		return ApiEndpointFilter.isPlaceholder(requested) ? ApiEndpointFilter.resolve(origin, requested) : requested;
	}

	/**
	 * Return the given error with the tenant's names of the properties it names, when the
	 * clients are a tenant's.
	 * @param ex the error
	 * @return the error
	 */
	Throwable named(Throwable ex) {
		return (this.naming != null && ex instanceof CxoneException cxone)
				? cxone.forTenant(this.naming) : ex;
	}

	@Override
	public String toString() {
		return "CallSettings[fixedOrigin=" + this.fixedOrigin + ", retry=" + ((this.retry != null) ? this.retry.getName()
				: null) + "]";
	}

}
