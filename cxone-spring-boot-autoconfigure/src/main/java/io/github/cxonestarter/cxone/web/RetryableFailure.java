package io.github.cxonestarter.cxone.web;

import java.time.Duration;

import io.github.cxonestarter.cxone.CxoneFailures;

/**
 * One failed attempt of a request, as Resilience4j sees it: an answer that may be retried
 * (its body already read, so the connection is back in the pool) or a failure to get an
 * answer at all.
 */
final class RetryableFailure extends RuntimeException {

	private final int status;

	private final Duration retryAfter;

	private final String body;

	private final String statusDescription;

	private final String notRetriedBecause;

	RetryableFailure(int status, Duration retryAfter, String body, String statusDescription, String notRetriedBecause,
			Throwable cause) {
		super("Attempt failed with " + ((status != 0) ? "status " + status : "no answer"), cause, false, false);
		this.status = status;
		this.retryAfter = retryAfter;
		this.body = body;
		this.statusDescription = statusDescription;
		this.notRetriedBecause = notRetriedBecause;
	}

	int status() {
		return this.status;
	}

	Duration retryAfter() {
		return this.retryAfter;
	}

	String body() {
		return this.body;
	}

	String statusDescription() {
		return this.statusDescription;
	}

	boolean isRetryable() {
		return this.notRetriedBecause == null;
	}

	/**
	 * Return why this failure is not retried, or {@code null} when it is.
	 * @return the reason
	 */
	String notRetriedBecause() {
		return this.notRetriedBecause;
	}

	/**
	 * Return a short name of the cause, for metrics: the status, {@code timeout} or
	 * {@code connection}.
	 * @return the cause
	 */
	String cause() {
		if (this.status != 0) {
			return Integer.toString(this.status);
		}
		return CxoneFailures.isTimeout(getCause()) ? "timeout" : "connection";
	}

}
