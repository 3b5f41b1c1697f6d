package io.github.cxonestarter.cxone.web;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.cxonestarter.cxone.CxoneApiException;
import io.github.cxonestarter.cxone.CxoneConnectionException;
import io.github.cxonestarter.cxone.CxoneRateLimitException;
import io.github.cxonestarter.cxone.CxoneWebClient;
import io.github.resilience4j.reactor.retry.RetryOperator;
import io.github.resilience4j.retry.Retry;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.ExchangeFunction;

/**
 * Retries CXone requests with Resilience4j as {@link RetryPolicy} decides, each attempt
 * going through the filters that follow (so it gets a fresh token if needed). The body of
 * a failed attempt is read before the next attempt, so its connection goes back to the
 * pool. When attempts run out the error is a {@link CxoneRateLimitException} or a
 * {@link CxoneApiException}.
 *
 * @since 0.1.0
 */
public class CxoneRetryFilter implements ExchangeFilterFunction {

	private final Retry retry;

	private final RetryPolicy policy;

	private final boolean judgesResponses;

	/**
	 * Create a new instance.
	 * @param retry the Resilience4j retry, configured by {@link RetryPolicy#retryConfig}
	 * @param policy what is retried
	 */
	public CxoneRetryFilter(Retry retry, RetryPolicy policy) {
		this.retry = retry;
		this.policy = policy;
		this.judgesResponses = retry.getRetryConfig().getResultPredicate() != null;
	}

	@Override
	public Mono<ClientResponse> filter(ClientRequest request, ExchangeFunction next) {
		if (RetryPolicy.isSet(request.attribute(CxoneWebClient.NO_RETRY).orElse(null))) {
			return next.exchange(request);
		}
		boolean anyFailure = this.policy.retriesAnyFailure(request.method().name(),
				request.attribute(CxoneWebClient.RETRY_NON_IDEMPOTENT).orElse(null));
		AtomicInteger attempts = new AtomicInteger();
		Mono<ClientResponse> attempt = Mono.defer(() -> {
			attempts.incrementAndGet();
			return next.exchange(request);
		})
			// CxoneConnectionFilter typed the failure to get an answer; the application's own body
			// publisher failing is its error, and reaches it as it is.
			.onErrorMap(CxoneConnectionException.class, (ex) -> this.policy.unanswered(request.method().name(), ex,
					anyFailure, ReplayableBody.whyNotReplayable(request)))
			.flatMap((response) -> classify(request, response, anyFailure));
		// Most calls succeed at once and need none of Resilience4j's retry machinery; after a
		// failure Resilience4j takes over, with that failure as its first attempt, so that it
		// decides, waits and counts exactly as if it had run the first attempt itself. A retry
		// that also judges responses (a Retry of the application's) sees every attempt.
		Mono<ClientResponse> retried = this.judgesResponses ? attempt.transformDeferred(RetryOperator.of(this.retry))
				: attempt.doOnNext((response) -> this.retry.asyncContext().onComplete())
					.onErrorResume((failure) -> retried(failure, attempt));
		return retried.onErrorMap(RetryableFailure.class, (failure) -> this.policy
			.toException(AuthorizationPolicy.describe(request.method().name(), request.url()), failure, attempts.get()));
	}

	private Mono<ClientResponse> retried(Throwable firstFailure, Mono<ClientResponse> attempt) {
		AtomicBoolean replayed = new AtomicBoolean();
		return Mono.defer(() -> replayed.getAndSet(true) ? attempt : Mono.<ClientResponse>error(firstFailure))
			.transformDeferred(RetryOperator.of(this.retry));
	}

	private Mono<ClientResponse> classify(ClientRequest request, ClientResponse response, boolean anyFailure) {
		int status = response.statusCode().value();
		if (!this.policy.isFailure(status, anyFailure)) {
			return Mono.just(response);
		}
		String notReplayable = ReplayableBody.whyNotReplayable(request);
		HttpHeaders headers = response.headers().asHttpHeaders();
		// Read to the end (or released on error), so that the connection goes back to the pool.
		return response.bodyToMono(String.class)
			.onErrorResume((ex) -> response.releaseBody().onErrorResume((releaseFailure) -> Mono.empty())
				.then(Mono.empty()))
			.defaultIfEmpty("")
			.flatMap((body) -> Mono.error(this.policy.answered(status, headers.getOrEmpty(HttpHeaders.RETRY_AFTER),
					headers.getFirst("icStatusDescription"), body, notReplayable)));
	}

}
