package io.github.cxonestarter.cxone;

import java.time.Duration;

/**
 * CXone kept answering 429 Too Many Requests, or asked to wait longer than
 * {@code cxone.retry.max-retry-after}.
 *
 * @since 0.1.0
 */
public class CxoneRateLimitException extends CxoneApiException {

	private final Duration retryAfter;

	public CxoneRateLimitException(String message, String responseBody, String statusDescription, int attempts,
			Duration retryAfter) {
		super(message, 429, responseBody, statusDescription, attempts, null);
		this.retryAfter = retryAfter;
	}

	/**
	 * Return the wait that the last {@code Retry-After} header asked for.
	 * @return the wait, or {@code null} when the answer had no {@code Retry-After}
	 */
	public Duration getRetryAfter() {
		return this.retryAfter;
	}

}
