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
 * backoff. Refusals (4xx) are never retried.
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

	public RetryingTokenResponseClient(ReactiveOAuth2AccessTokenResponseClient<T> delegate,
			TokenEndpointErrors errors, int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
		this.delegate = delegate;
		this.errors = errors;
		this.retry = Retry.of("cxone-token", RetryConfig.custom()
			.maxAttempts(maxAttempts)
			.intervalFunction(
					IntervalFunction.ofExponentialRandomBackoff(initialBackoff, BACKOFF_MULTIPLIER, JITTER, maxBackoff))
			.retryOnException((ex) -> ex instanceof CxoneTokenException tokenException && tokenException.isTransient())
			.build());
	}

	@Override
	public Mono<OAuth2AccessTokenResponse> getTokenResponse(T grantRequest) {
		return Mono.defer(() -> this.delegate.getTokenResponse(grantRequest))
			.onErrorMap(this.errors::fromTransportFailure)
			.transformDeferred(RetryOperator.of(this.retry));
	}

	/**
	 * Return the Resilience4j retry that guards the token endpoint, for metrics.
	 * @return the retry
	 */
	public Retry getRetry() {
		return this.retry;
	}

}
