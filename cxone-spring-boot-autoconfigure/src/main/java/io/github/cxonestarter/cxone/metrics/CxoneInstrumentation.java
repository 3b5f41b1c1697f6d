package io.github.cxonestarter.cxone.metrics;

import io.github.cxonestarter.cxone.token.TokenEventListener;
import io.github.resilience4j.retry.Retry;

/**
 * What one tenant's clients report, for its meters: its token events, the status of every
 * answer to its calls (each attempt's, retries and replays included) and its retries.
 * Without Micrometer, nothing.
 *
 * @since 0.1.0
 */
public interface CxoneInstrumentation extends TokenEventListener {

	/** Instrumentation that records nothing. */
	CxoneInstrumentation NONE = new CxoneInstrumentation() {

	};

	/**
	 * Record an answer of the API, to any attempt of a call of either client.
	 * @param status the answer's status
	 */
	default void answered(int status) {
	}

	/**
	 * Drop what was recorded, when the tenant is removed.
	 */
	default void close() {
	}

	/**
	 * Creates the instrumentation of each tenant.
	 */
	@FunctionalInterface
	interface Factory {

		/**
		 * Return the instrumentation of one tenant.
		 * @param tenant the tenant's name, the value of the {@code tenant} tag
		 * @param apiRetry the retry of its API calls, or {@code null} when retries are off
		 * @param tokenRetry the retry of its token requests
		 * @return the instrumentation
		 */
		CxoneInstrumentation forTenant(String tenant, Retry apiRetry, Retry tokenRetry);

	}

}
