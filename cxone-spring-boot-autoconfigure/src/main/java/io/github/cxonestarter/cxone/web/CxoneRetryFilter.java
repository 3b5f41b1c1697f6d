package io.github.cxonestarter.cxone.web;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.cxonestarter.cxone.CxoneApiException;
import io.github.cxonestarter.cxone.CxoneConnectionException;
import io.github.cxonestarter.cxone.CxoneRateLimitException;
import io.github.cxonestarter.cxone.CxoneWebClient;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.reactor.retry.RetryOperator;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.ExchangeFunction;

/**
 * Retries CXone requests with Resilience4j, each attempt going through the filters that
 * follow (so it gets a fresh token if needed):
 * <ul>
 * <li>429 for any method (CXone did not process the request), waiting what
 * {@code Retry-After} asks (seconds or HTTP-date), or a jittered exponential backoff
 * without it; a {@code Retry-After} longer than the allowed maximum fails at once;</li>
 * <li>502, 503, 504, broken connections and response timeouts for idempotent methods
 * only, unless the request or the configuration allows more;</li>
 * <li>a connection that could not be made (refused, timed out, a proxy's transient
 * refusal) for any method, as nothing was sent.</li>
 * </ul>
 * The body of a failed attempt is read before the next attempt, so its connection goes
 * back to the pool. When attempts run out the error is a {@link CxoneRateLimitException}
 * or a {@link CxoneApiException}.
 *
 * @since 0.1.0
 */
public class CxoneRetryFilter implements ExchangeFilterFunction {

	private static final Set<HttpMethod> IDEMPOTENT = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS,
			HttpMethod.PUT, HttpMethod.DELETE, HttpMethod.TRACE);

	private static final Set<Integer> TRANSIENT_STATUSES = Set.of(502, 503, 504);

	private static final int TOO_MANY_REQUESTS = 429;

	private static final int MAX_BODY_IN_MESSAGE = 300;

	private final Retry retry;

	private final boolean judgesResponses;

	private final boolean retryNonIdempotent;

	private final Duration maxRetryAfter;

	/**
	 * Create a new instance.
	 * @param retry the Resilience4j retry, configured by {@link #retryConfig}
	 * @param retryNonIdempotent whether POST and PATCH are retried after 5xx and
	 * connection failures too
	 * @param maxRetryAfter the longest {@code Retry-After} that is waited for
	 */
	public CxoneRetryFilter(Retry retry, boolean retryNonIdempotent, Duration maxRetryAfter) {
		this.retry = retry;
		this.judgesResponses = retry.getRetryConfig().getResultPredicate() != null;
		this.retryNonIdempotent = retryNonIdempotent;
		this.maxRetryAfter = maxRetryAfter;
	}

	/**
	 * Create the Resilience4j configuration for this filter.
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
	 * Return a short name for why an attempt failed, for metrics: the status,
	 * {@code timeout} or {@code connection}, or {@code null} when the failure is not one
	 * of this filter's.
	 * @param failure the failure Resilience4j reported
	 * @return the cause or {@code null}
	 */
	public static String causeOf(Throwable failure) {
		return (failure instanceof RetryableFailure retryable) ? retryable.cause() : null;
	}

	@Override
	public Mono<ClientResponse> filter(ClientRequest request, ExchangeFunction next) {
		if (Boolean.TRUE.equals(request.attribute(CxoneWebClient.NO_RETRY).orElse(null))) {
			return next.exchange(request);
		}
		boolean anyFailure = this.retryNonIdempotent || IDEMPOTENT.contains(request.method())
				|| Boolean.TRUE.equals(request.attribute(CxoneWebClient.RETRY_NON_IDEMPOTENT).orElse(null));
		AtomicInteger attempts = new AtomicInteger();
		Mono<ClientResponse> attempt = Mono.defer(() -> {
			attempts.incrementAndGet();
			return next.exchange(request);
		})
			// CxoneConnectionFilter typed the failure to get an answer; the application's own body
			// publisher failing is its error, and reaches it as it is.
			.onErrorMap(CxoneConnectionException.class,
					(ex) -> new RetryableFailure(0, null, null, null, notRetried(request, ex, anyFailure), ex))
			.flatMap((response) -> classify(request, response, anyFailure));
		// Most calls succeed at once and need none of Resilience4j's retry machinery; after a
		// failure Resilience4j takes over, with that failure as its first attempt, so that it
		// decides, waits and counts exactly as if it had run the first attempt itself. A retry
		// that also judges responses (a Retry of the application's) sees every attempt.
		Mono<ClientResponse> retried = this.judgesResponses ? attempt.transformDeferred(RetryOperator.of(this.retry))
				: attempt.doOnNext((response) -> this.retry.asyncContext().onComplete())
					.onErrorResume((failure) -> retried(failure, attempt));
		return retried.onErrorMap(RetryableFailure.class,
				(failure) -> toException(request, failure, attempts.get()));
	}

	private Mono<ClientResponse> retried(Throwable firstFailure, Mono<ClientResponse> attempt) {
		AtomicBoolean replayed = new AtomicBoolean();
		return Mono.defer(() -> replayed.getAndSet(true) ? attempt : Mono.<ClientResponse>error(firstFailure))
			.transformDeferred(RetryOperator.of(this.retry));
	}

	private Mono<ClientResponse> classify(ClientRequest request, ClientResponse response, boolean anyFailure) {
		int status = response.statusCode().value();
		if (status != TOO_MANY_REQUESTS && !(anyFailure && TRANSIENT_STATUSES.contains(status))) {
			return Mono.just(response);
		}
		Duration retryAfter = RetryAfter.parse(response.headers().header(HttpHeaders.RETRY_AFTER), Instant.now());
		String notRetriedBecause = (retryAfter != null && retryAfter.compareTo(this.maxRetryAfter) > 0)
				? "it asked to wait " + RetryAfter.describe(retryAfter) + ", longer than cxone.retry.max-retry-after ("
						+ RetryAfter.describe(this.maxRetryAfter) + "), so the starter did not wait"
				: notReplayed(request);
		return failure(response, retryAfter, notRetriedBecause);
	}

	private static String notRetried(ClientRequest request, CxoneConnectionException failure, boolean anyFailure) {
		if (!failure.isTransient()) {
			return "it was not retried, because no retry can fix this failure";
		}
		// A connection that could not be made sent nothing, so any method may be sent again.
		if (!anyFailure && failure.mayHaveBeenSent()) {
			return "it was not retried, because " + request.method() + " is not idempotent and CXone may have acted "
					+ "on it (set cxone.retry.retry-non-idempotent=true, or the request attribute "
					+ "CxoneWebClient.RETRY_NON_IDEMPOTENT, to retry it)";
		}
		return notReplayed(request);
	}

	private static String notReplayed(ClientRequest request) {
		String why = ReplayableBody.whyNotReplayable(request);
		return (why != null) ? "it was not retried, because " + why : null;
	}

	private Mono<ClientResponse> failure(ClientResponse response, Duration retryAfter, String notRetriedBecause) {
		String statusDescription = response.headers().asHttpHeaders().getFirst("icStatusDescription");
		// Read to the end (or released on error), so that the connection goes back to the pool.
		return response.bodyToMono(String.class)
			.onErrorResume((ex) -> response.releaseBody().onErrorResume((releaseFailure) -> Mono.empty())
				.then(Mono.empty()))
			.defaultIfEmpty("")
			.flatMap((body) -> Mono.error(new RetryableFailure(response.statusCode().value(), retryAfter, body,
					statusDescription, notRetriedBecause, null)));
	}

	private CxoneApiException toException(ClientRequest request, RetryableFailure failure, int attempts) {
		String call = CxoneAuthorizationFilter.describe(request);
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
