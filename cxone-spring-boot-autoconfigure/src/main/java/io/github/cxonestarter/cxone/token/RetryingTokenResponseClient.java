package io.github.cxonestarter.cxone.token;

import java.time.Duration;

import io.github.cxonestarter.cxone.CxoneTokenException;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.reactor.retry.RetryOperator;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import reactor.core.publisher.Mono;

import org.springframework.security.oauth2.client.endpoint.AbstractOAuth2AuthorizationGrantRequest;
import org.springframework.security.oauth2.client.endpoint.ReactiveOAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;

/**
 * Decorates a Spring Security token response client: failures to reach the token endpoint
 * become {@link CxoneTokenException}s, and transient ones (5xx, 429, timeouts, connection
 * errors) are retried by Resilience4j a bounded number of times with jittered exponential
 * backoff, waiting at least what a {@code Retry-After} asks. Refusals (4xx) are never
 * retried. The whole request, its retries included, has a deadline.
 *
 * @param <T> the type of grant request
 * @since 0.1.0
 */
public class RetryingTokenResponseClient<T extends AbstractOAuth2AuthorizationGrantRequest>
		implements ReactiveOAuth2AccessTokenResponseClient<T> {

	private static final double BACKOFF_MULTIPLIER = 2.0;

	private static final double JITTER = 0.5;

	private final ReactiveOAuth2AccessTokenResponseClient<T> delegate;

	private final TokenEndpointErrors errors;

	private final Retry retry;

	private final Duration timeout;

	/**
	 * Create a new instance.
	 * @param delegate the client that sends one token request
	 * @param errors how failures are worded
	 * @param retry the Resilience4j retry of transient failures
	 * @param timeout how long the request may take in all, retries and their waits included
	 */
	public RetryingTokenResponseClient(ReactiveOAuth2AccessTokenResponseClient<T> delegate,
			TokenEndpointErrors errors, Retry retry, Duration timeout) {
		this.delegate = delegate;
		this.errors = errors;
		this.retry = retry;
		this.timeout = timeout;
	}

	/**
	 * Create the Resilience4j configuration for token requests: transient failures only,
	 * jittered exponential backoff, and never sooner than a {@code Retry-After} asks.
	 * @param maxAttempts attempts in all, the first included
	 * @param initialBackoff the first wait
	 * @param maxBackoff the longest wait
	 * @return the configuration
	 */
	public static RetryConfig retryConfig(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
		IntervalFunction backoff = IntervalFunction.ofExponentialRandomBackoff(initialBackoff, BACKOFF_MULTIPLIER,
				JITTER, maxBackoff);
		return RetryConfig.custom()
			.maxAttempts(maxAttempts)
			.intervalBiFunction((attempt, outcome) -> {
				long wait = backoff.apply(attempt);
				Duration retryAfter = outcome.isLeft() ? retryAfter(outcome.getLeft()) : null;
				return (retryAfter != null) ? Math.max(wait, retryAfter.toMillis()) : wait;
			})
			// A Retry-After the deadline leaves no room for never gets here: getTokenResponse
			// fails it at once.
			.retryOnException((ex) -> ex instanceof CxoneTokenException tokenException && tokenException.isTransient())
			.build();
	}

	private static Duration retryAfter(Throwable failure) {
		return (failure instanceof CxoneTokenException tokenException) ? tokenException.getRetryAfter() : null;
	}

	/**
	 * Return a short name for why a token attempt failed, for metrics.
	 * @param failure the failure Resilience4j reported
	 * @return the cause
	 */
	public static String causeOf(Throwable failure) {
		if (failure instanceof CxoneTokenException tokenException) {
			return (tokenException.getStatus() != 0) ? Integer.toString(tokenException.getStatus())
					: tokenException.getReason().name().toLowerCase(java.util.Locale.ROOT);
		}
		return failure.getClass().getSimpleName();
	}

	@Override
	public Mono<OAuth2AccessTokenResponse> getTokenResponse(T grantRequest) {
		return Mono.defer(() -> {
			long start = System.nanoTime();
			return Mono.defer(() -> this.delegate.getTokenResponse(grantRequest))
				.onErrorMap(this.errors::fromTransportFailure)
				// A Retry-After that ends no sooner than the deadline cannot lead to a token: fail now,
				// with the answer that asked for it, instead of waiting the deadline out for a TIMEOUT.
				.onErrorMap(CxoneTokenException.class,
						(ex) -> (ex.getRetryAfter() != null && ex.getRetryAfter()
							.compareTo(this.timeout.minusNanos(System.nanoTime() - start)) >= 0) ? new Unwaitable(ex)
									: ex)
				.transformDeferred(RetryOperator.of(this.retry))
				.onErrorMap(Unwaitable.class, Unwaitable::failure)
				// A token endpoint that trickles its answer would otherwise hold every waiting caller.
				.timeout(this.timeout, Mono.error(() -> this.errors.deadlineExceeded(this.timeout)));
		});
	}

	/**
	 * Carries past the retry a failure whose {@code Retry-After} the deadline leaves no room
	 * for: not a {@link CxoneTokenException}, so it is not retried.
	 */
	private static final class Unwaitable extends RuntimeException {

		private final CxoneTokenException failure;

		Unwaitable(CxoneTokenException failure) {
			super(null, null, false, false);
			this.failure = failure;
		}

		CxoneTokenException failure() {
			return this.failure;
		}

	}

}
