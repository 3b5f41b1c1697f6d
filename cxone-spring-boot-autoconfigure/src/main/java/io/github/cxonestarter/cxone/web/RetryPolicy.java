package io.github.cxonestarter.cxone.web;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import io.github.cxonestarter.cxone.CxoneApiException;
import io.github.cxonestarter.cxone.CxoneConnectionException;
import io.github.cxonestarter.cxone.CxoneRateLimitException;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;

/**
 * What the starter retries, how long it waits, and how a call that failed for good is
 * worded, once for every client. It has no HTTP client types in its signatures:
 * {@link CxoneExchangeFilter} (WebClient, with Resilience4j's {@code RetryOperator}) and
 * {@link CxoneRestClientInterceptor} (RestClient, with Resilience4j's synchronous
 * decorators) are thin adapters over it and over one Resilience4j {@code Retry}.
 * <ul>
 * <li>429 for any method (CXone did not process the request), waiting what
 * {@code Retry-After} asks (seconds or HTTP-date), or a jittered exponential backoff
 * without it; a {@code Retry-After} longer than the allowed maximum fails at once;</li>
 * <li>502, 503, 504, broken connections and response timeouts for idempotent methods
 * only, unless the request or the configuration allows more;</li>
 * <li>a connection that could not be made (refused, timed out, a proxy's transient
 * refusal) for any method, as nothing was sent.</li>
 * </ul>
 *
 * @since 0.1.0
 */
public final class RetryPolicy {

	private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE");

	private static final Set<Integer> TRANSIENT_STATUSES = Set.of(502, 503, 504);

	private static final int TOO_MANY_REQUESTS = 429;

	private static final int MAX_BODY_IN_MESSAGE = 300;

	private final boolean retryNonIdempotent;

	private final Duration maxRetryAfter;

	/**
	 * Create a new instance.
	 * @param retryNonIdempotent whether POST and PATCH are retried after 5xx and
	 * connection failures too
	 * @param maxRetryAfter the longest {@code Retry-After} that is waited for
	 */
	public RetryPolicy(boolean retryNonIdempotent, Duration maxRetryAfter) {
		this.retryNonIdempotent = retryNonIdempotent;
		this.maxRetryAfter = maxRetryAfter;
	}

	/**
	 * Create the Resilience4j configuration of this policy, for the {@code Retry} that both
	 * clients share.
	 * @param maxAttempts attempts in all, the first included
	 * @param backoff the wait between attempts when no {@code Retry-After} is given
	 * @return the configuration
	 */
	public static RetryConfig retryConfig(int maxAttempts, IntervalFunction backoff) {
		return RetryConfig.custom()
			.maxAttempts(maxAttempts)
			.retryOnException((ex) -> ex instanceof RetryableFailure failure && failure.isRetryable())
			.intervalBiFunction((attempt, outcome) -> {
				if (outcome.isLeft() && outcome.getLeft() instanceof RetryableFailure failure
						&& failure.retryAfter() != null) {
					long wait = failure.retryAfter().toMillis();
					// A little jitter, only ever later than asked, so that callers do not return at once.
					return wait + ThreadLocalRandom.current().nextLong(Math.min(1000, wait / 10) + 1);
				}
				return backoff.apply(attempt);
			})
			.build();
	}

	/**
	 * Return the Resilience4j context that records the calls that succeeded at their first
	 * attempt, one for all of them: such a call needs none of Resilience4j's retry machinery,
	 * and a context that never saw a failure only counts each success it is told of (as a
	 * success without retry), so it is made once per {@code Retry}, not once per call.
	 * After a first failure Resilience4j runs the call with a context of its own.
	 * @param retry the retry
	 * @return the shared context
	 */
	static Retry.AsyncContext succeededAtOnce(Retry retry) {
		return retry.asyncContext();
	}

	/**
	 * Return a short name for why an attempt failed, for metrics: the status,
	 * {@code timeout} or {@code connection}, or {@code null} when the failure is not one
	 * of this policy's.
	 * @param failure the failure Resilience4j reported
	 * @return the cause or {@code null}
	 */
	public static String causeOf(Throwable failure) {
		return (failure instanceof RetryableFailure retryable) ? retryable.cause() : null;
	}

	/**
	 * Return why a body larger than the replay limit is not sent again, for messages.
	 * @param maxSize the limit ({@code cxone.http.max-replay-body-size}) in bytes
	 * @return the reason
	 */
	static String tooLargeToReplay(long maxSize) {
		return "its body is larger than cxone.http.max-replay-body-size (" + maxSize
				+ " bytes), so it was sent once and not kept to send again";
	}

	/**
	 * Return whether a request attribute turns retrying off or on, given its value.
	 * @param value the attribute's value, possibly {@code null}
	 * @return whether it is set to {@code true}
	 */
	static boolean isSet(Object value) {
		return Boolean.TRUE.equals(value);
	}

	/**
	 * Return whether a request may be retried after any transient failure (5xx, a
	 * connection that broke), not only after 429 and connections that were never made.
	 * @param method the request's method
	 * @param retryNonIdempotent the value of the request's
	 * {@code RETRY_NON_IDEMPOTENT} attribute, possibly {@code null}
	 * @return whether any transient failure is retried
	 */
	boolean retriesAnyFailure(String method, Object retryNonIdempotent) {
		return this.retryNonIdempotent || IDEMPOTENT.contains(method) || isSet(retryNonIdempotent);
	}

	/**
	 * Return whether an answer with the given status is a failed attempt.
	 * @param status the status
	 * @param anyFailure whether any transient failure is retried
	 * @return whether the attempt failed
	 */
	boolean isFailure(int status, boolean anyFailure) {
		return status == TOO_MANY_REQUESTS || (anyFailure && TRANSIENT_STATUSES.contains(status));
	}

	/**
	 * Return the failed attempt for an answer that {@link #isFailure} judged failed.
	 * @param status the status
	 * @param retryAfter the values of its {@code Retry-After} headers
	 * @param statusDescription its {@code icStatusDescription} header, possibly {@code null}
	 * @param body its body, read in full
	 * @param notReplayable why the request's body cannot be sent again, or {@code null}
	 * @return the failed attempt, for Resilience4j
	 */
	RetryableFailure answered(int status, List<String> retryAfter, String statusDescription, String body,
			String notReplayable) {
		Duration wait = RetryAfter.parse(retryAfter, Instant.now());
		String notRetriedBecause = (wait != null && wait.compareTo(this.maxRetryAfter) > 0)
				? "it asked to wait " + RetryAfter.describe(wait) + ", longer than cxone.retry.max-retry-after ("
						+ RetryAfter.describe(this.maxRetryAfter) + "), so the starter did not wait"
				: notRetried(notReplayable);
		return new RetryableFailure(status, wait, body, statusDescription, notRetriedBecause, null);
	}

	/**
	 * Return the failed attempt for a request that got no answer.
	 * @param method the request's method
	 * @param failure the typed failure
	 * @param anyFailure whether any transient failure is retried
	 * @param notReplayable why the request's body cannot be sent again, or {@code null}
	 * @return the failed attempt, for Resilience4j
	 */
	RetryableFailure unanswered(String method, CxoneConnectionException failure, boolean anyFailure,
			String notReplayable) {
		return new RetryableFailure(0, null, null, null, notRetried(method, failure, anyFailure, notReplayable),
				failure);
	}

	private static String notRetried(String method, CxoneConnectionException failure, boolean anyFailure,
			String notReplayable) {
		if (!failure.isTransient()) {
			return "it was not retried, because no retry can fix this failure";
		}
		// A connection that could not be made sent nothing, so any method may be sent again.
		if (!anyFailure && failure.mayHaveBeenSent()) {
			return "it was not retried, because " + method + " is not idempotent and CXone may have acted "
					+ "on it (set cxone.retry.retry-non-idempotent=true, or the request attribute "
					+ "RETRY_NON_IDEMPOTENT of CxoneWebClient or CxoneRestClient, to retry it)";
		}
		return notRetried(notReplayable);
	}

	private static String notRetried(String notReplayable) {
		return (notReplayable != null) ? "it was not retried, because " + notReplayable : null;
	}

	/**
	 * Return the error a call ends with when its last attempt failed.
	 * @param call the call, as {@link AuthorizationPolicy#describe} gives it
	 * @param failure the last attempt's failure
	 * @param attempts the attempts made
	 * @return the error
	 */
	CxoneApiException toException(String call, RetryableFailure failure, int attempts) {
		String tried = (attempts == 1) ? "1 attempt" : attempts + " attempts";
		String description = (failure.statusDescription() != null)
				? " (icStatusDescription: " + failure.statusDescription() + ")" : "";
		Duration retryAfter = failure.retryAfter();
		String refusedWait = failure.notRetriedBecause();
		if (failure.status() == TOO_MANY_REQUESTS) {
			String cause = (refusedWait != null) ? refusedWait : "still rate limited after " + tried
					+ ((retryAfter != null) ? "; last Retry-After " + RetryAfter.describe(retryAfter) : "");
			return new CxoneRateLimitException("CXone answered 429 Too Many Requests to " + call + description + ": "
					+ cause + ". The API key is rate limited: back off exponentially and honour Retry-After "
					+ "(lower the request rate, or raise cxone.retry.max-attempts).", failure.body(),
					failure.statusDescription(), attempts, retryAfter);
		}
		if (failure.getCause() instanceof CxoneConnectionException connection) {
			return connection.withMessage("CXone could not be reached for " + call + " after " + tried
					+ ((refusedWait != null) ? "; " + refusedWait : "") + ". " + connection.getMessage(), attempts);
		}
		String outcome = (refusedWait != null) ? ": " + refusedWait + "; " : " after " + tried + ": ";
		return new CxoneApiException("CXone answered " + failure.status() + " to " + call + description + outcome
				+ abbreviate(failure.body()) + ". CXone is failing or overloaded; try again later.",
				failure.status(), failure.body(), failure.statusDescription(), attempts, null);
	}

	private static String abbreviate(String body) {
		if (body == null || body.isBlank()) {
			return "(no body)";
		}
		return (body.length() > MAX_BODY_IN_MESSAGE) ? body.substring(0, MAX_BODY_IN_MESSAGE) + "..." : body;
	}

}
