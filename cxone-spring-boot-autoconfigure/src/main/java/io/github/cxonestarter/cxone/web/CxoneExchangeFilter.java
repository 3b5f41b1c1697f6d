package io.github.cxonestarter.cxone.web;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

import io.github.cxonestarter.cxone.CxoneAccessDeniedException;
import io.github.cxonestarter.cxone.CxoneApiException;
import io.github.cxonestarter.cxone.CxoneAuthenticationException;
import io.github.cxonestarter.cxone.CxoneConnectionException;
import io.github.cxonestarter.cxone.CxoneException;
import io.github.cxonestarter.cxone.CxoneForeignHostException;
import io.github.cxonestarter.cxone.CxoneRateLimitException;
import io.github.cxonestarter.cxone.CxoneWebClient;
import io.github.cxonestarter.cxone.accesskey.ApiEndpointFilter;
import io.github.cxonestarter.cxone.http.ConnectionFailures;
import io.github.cxonestarter.cxone.token.CxoneTokenManager;
import io.github.resilience4j.reactor.retry.RetryOperator;
import io.github.resilience4j.retry.Retry;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.client.reactive.ClientHttpRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.function.BodyInserter;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.ExchangeFunction;
import org.springframework.web.reactive.function.client.ExchangeStrategies;

/**
 * The one filter of every WebClient the starter builds: it puts the application's CXone
 * token on each attempt of a request, replays it once after a 401, retries it as
 * {@link RetryPolicy} decides, and types every failure, all in one pass over the request
 * so that a call that succeeds at once costs one request wrapper and two operators.
 * <ul>
 * <li><b>Body</b>: a request's body is made one that every attempt sends as the same
 * bytes, while the application's body publisher is subscribed once; a body larger than
 * {@code cxone.http.max-replay-body-size} is sent once and not retried or replayed.</li>
 * <li><b>Origin</b>: a request to any other host than the CXone API's is refused with a
 * {@link CxoneForeignHostException}, so the token never leaves for another host. When the
 * API host is discovered, requests against {@link ApiEndpointFilter#PLACEHOLDER} go to
 * it.</li>
 * <li><b>Token</b>: a 401 drops the token that was used (only that one), gets a new one
 * and replays the request once; a second 401 is a {@link CxoneAuthenticationException},
 * and for a growing wait after it refused tokens are not replaced. A 403 is a
 * {@link CxoneAccessDeniedException} that says which permission is missing.</li>
 * <li><b>Retries</b>: with Resilience4j; the body of a failed attempt is read before the
 * next, so its connection goes back to the pool. When attempts run out the error is a
 * {@link CxoneRateLimitException} or a {@link CxoneApiException}.</li>
 * <li><b>Connections</b>: a failure to get an answer is a {@link CxoneConnectionException}
 * worded by {@link ConnectionFailures}; the application's own body publisher failing is its
 * error, passed on as it is.</li>
 * </ul>
 * The token is set on the request as it is written, not on a copy of it. Filters the
 * application adds to the client's builder come after this one and see it on every
 * attempt; those of the builder it started from come before, and the request they pass
 * on never carries it (though the request a response reports, {@code ClientResponse.request()},
 * is the one that was sent, token included, as Spring builds it). What each
 * answer means and how errors are worded are {@link AuthorizationPolicy}'s and
 * {@link RetryPolicy}'s, shared with {@link CxoneRestClientInterceptor}.
 *
 * @since 0.1.0
 */
public class CxoneExchangeFilter implements ExchangeFilterFunction {

	private static final String CLIENT = "CxoneWebClient";

	private final CallSettings settings;

	private final CxoneTokenManager tokens;

	private final boolean judgesResponses;

	private final Retry.AsyncContext succeededAtOnce;

	/**
	 * Create a new instance.
	 * @param settings what every call is given
	 */
	public CxoneExchangeFilter(CallSettings settings) {
		this.settings = settings;
		this.tokens = settings.tokens().manager();
		this.judgesResponses = settings.retry() != null && settings.retry().getRetryConfig().getResultPredicate() != null;
		this.succeededAtOnce = (settings.retry() != null) ? RetryPolicy.succeededAtOnce(settings.retry()) : null;
	}

	@Override
	public Mono<ClientResponse> filter(ClientRequest request, ExchangeFunction next) {
		URI known = this.settings.knownOrigin();
		if (known != null) {
			return call(request, next, known);
		}
		return this.settings.discovered().apiEndpoint()
			.onErrorMap(CxoneException.class, this.settings::named)
			.flatMap((origin) -> call(request, next, origin));
	}

	private Mono<ClientResponse> call(ClientRequest request, ExchangeFunction next, URI origin) {
		URI url = CallSettings.target(origin, request.url());
		if (!AuthorizationPolicy.sameOrigin(origin, url)) {
			return Mono.error(this.settings
				.named(AuthorizationPolicy.foreignHost(CLIENT, "WebClient", request.method().name(), url, origin)));
		}
		BodyInserter<?, ? super ClientHttpRequest> body = request.body();
		if (body != BodyInserters.empty() && !(body instanceof ReplayableBody)) {
			// First, so that every attempt (retries, the replay after a 401) sends the same bytes.
			request = ClientRequest.from(request).body(new ReplayableBody(body, this.settings.maxReplayBodySize())).build();
		}
		boolean retrying = this.settings.retry() != null
				&& !RetryPolicy.isSet(request.attributes().get(CxoneWebClient.NO_RETRY));
		Call call = new Call(request, url, next, retrying, retrying && this.settings.policy().retriesAnyFailure(
				request.method().name(), request.attributes().get(CxoneWebClient.RETRY_NON_IDEMPOTENT)));
		// Each subscription runs the call afresh: a filter before this one may subscribe again.
		return Mono.defer(call);
	}

	/**
	 * One call through the filter: what each attempt sends.
	 */
	private final class Call implements Supplier<Mono<ClientResponse>> {

		private final ClientRequest request;

		private final URI url;

		private final ExchangeFunction next;

		private final boolean retrying;

		private final boolean anyFailure;

		Call(ClientRequest request, URI url, ExchangeFunction next, boolean retrying, boolean anyFailure) {
			this.request = request;
			this.url = url;
			this.next = next;
			this.retrying = retrying;
			this.anyFailure = anyFailure;
		}

		@Override
		public Mono<ClientResponse> get() {
			return new Exchange(this).run();
		}

	}

	/**
	 * One run of a call, and how its answers are judged. Attempts follow one another, so the
	 * state of the current one is kept here.
	 */
	private final class Exchange implements Function<ClientResponse, Mono<ClientResponse>> {

		private final Call call;

		private int attempts;

		private boolean handedOver;

		private OAuth2AuthorizedClient client;

		private AuthorizedRequest authorized;

		private boolean replay;

		Exchange(Call call) {
			this.call = call;
		}

		Mono<ClientResponse> run() {
			if (!this.call.retrying) {
				return attempt().onErrorMap(this::failed);
			}
			if (CxoneExchangeFilter.this.judgesResponses) {
				// A Retry of the application's that also judges responses sees every attempt.
				this.handedOver = true;
				return Mono.defer(this::attempt)
					.onErrorMap(this::typed)
					.transformDeferred(RetryOperator.of(settings().retry()))
					.onErrorMap(this::failed);
			}
			// Most calls succeed at once and need none of Resilience4j's retry machinery; after a
			// failure Resilience4j takes over, with that failure as its first attempt, so that it
			// decides, waits and counts exactly as if it had run the first attempt itself.
			return attempt().onErrorResume(this::firstFailed);
		}

		/**
		 * Make one attempt: the token held (or fetched), the request sent, its answer
		 * judged; a 401 is replayed within the attempt.
		 */
		Mono<ClientResponse> attempt() {
			this.attempts++;
			this.replay = false;
			OAuth2AuthorizedClient held = CxoneExchangeFilter.this.tokens.valid();
			if (held != null) {
				return send(held);
			}
			return CxoneExchangeFilter.this.tokens.authorize().flatMap(this::send);
		}

		private Mono<ClientResponse> send(OAuth2AuthorizedClient client) {
			ConnectionFailures.Admission admission = settings().failures().admit(this.call.url);
			if (admission.refusal() != null) {
				return Mono.error(admission.refusal());
			}
			this.client = client;
			AuthorizedRequest authorized = new AuthorizedRequest(this.call.request, this.call.url,
					CxoneExchangeFilter.this.tokens.authorization(client.getAccessToken()));
			this.authorized = authorized;
			Mono<ClientResponse> exchange = this.call.next.exchange(authorized);
			if (admission.isProbe()) {
				// Typed here, not after the call, for the probe to report a typed failure.
				ConnectionFailures failures = settings().failures();
				String urlProperty = settings().urlProperty();
				exchange = CxoneConnectionFilter.reportingProbe(
						exchange.onErrorMap((ex) -> CxoneConnectionFilter.typed(ex, authorized, failures, urlProperty)),
						admission, failures);
			}
			return exchange.flatMap(this);
		}

		/**
		 * Judge an answer: the token's (401, 403), then the retry policy's.
		 */
		@Override
		public Mono<ClientResponse> apply(ClientResponse response) {
			CxoneTokenManager tokens = CxoneExchangeFilter.this.tokens;
			int status = response.statusCode().value();
			settings().instrumentation().answered(status);
			OAuth2AuthorizedClient client = this.client;
			if (AuthorizationPolicy.isRefused(status)) {
				if (this.replay) {
					Duration wait = tokens.refusedAgain(client.getAccessToken());
					return response.releaseBody()
						.then(Mono.error(() -> AuthorizationPolicy.refusedTwice(describe(), wait)));
				}
				return response.releaseBody().then(Mono.defer(() -> replayed(client)));
			}
			if (AuthorizationPolicy.isAccepted(status)) {
				if (this.replay) {
					tokens.replacementAccepted();
				}
				tokens.accepted(client.getAccessToken());
			}
			if (AuthorizationPolicy.isDenied(status)) {
				CxoneAccessDeniedException denied = AuthorizationPolicy.denied(describe(),
						response.headers().asHttpHeaders().getFirst(HttpHeaders.WWW_AUTHENTICATE),
						client.getAccessToken().getScopes());
				return response.releaseBody().then(Mono.error(denied));
			}
			if (this.call.retrying && settings().policy().isFailure(status, this.call.anyFailure)) {
				return failedAttempt(response, status);
			}
			if (this.call.retrying && !this.handedOver) {
				CxoneExchangeFilter.this.succeededAtOnce.onComplete();
			}
			return Mono.just(response);
		}

		/**
		 * Replace the refused token and send the request once more, unless its body cannot
		 * be sent again or the API refuses even new tokens for now.
		 */
		private Mono<ClientResponse> replayed(OAuth2AuthorizedClient refused) {
			CxoneTokenManager tokens = CxoneExchangeFilter.this.tokens;
			String notReplayable = ReplayableBody.whyNotReplayable(this.call.request);
			if (notReplayable != null) {
				return tokens.replaceRefused(refused.getAccessToken())
					.then(Mono.error(() -> AuthorizationPolicy.notReplayable(describe(), notReplayable)));
			}
			return tokens.replaceRefused(refused.getAccessToken())
				.switchIfEmpty(Mono.error(
						() -> AuthorizationPolicy.replacementRefused(describe(), tokens.replacementBackoff())))
				.flatMap((fresh) -> {
					this.replay = true;
					return send(fresh);
				});
		}

		/**
		 * Read a failed attempt's answer to the end (or release it on error), so that its
		 * connection goes back to the pool, and fail the attempt with it.
		 */
		private Mono<ClientResponse> failedAttempt(ClientResponse response, int status) {
			String notReplayable = ReplayableBody.whyNotReplayable(this.call.request);
			HttpHeaders headers = response.headers().asHttpHeaders();
			return response.bodyToMono(String.class)
				.onErrorResume((ex) -> response.releaseBody()
					.onErrorResume((releaseFailure) -> Mono.empty())
					.then(Mono.empty()))
				.defaultIfEmpty("")
				.flatMap((body) -> Mono.error(settings().policy().answered(status,
						headers.getOrEmpty(HttpHeaders.RETRY_AFTER), headers.getFirst("icStatusDescription"), body,
						notReplayable)));
		}

		/**
		 * The first attempt failed: Resilience4j takes over, with that failure as its first
		 * attempt.
		 */
		Mono<ClientResponse> firstFailed(Throwable ex) {
			Throwable first = typed(ex);
			this.handedOver = true;
			boolean[] replayed = new boolean[1];
			return Mono.defer(() -> {
				if (!replayed[0]) {
					replayed[0] = true;
					return Mono.<ClientResponse>error(first);
				}
				return attempt().onErrorMap(this::typed);
			}).transformDeferred(RetryOperator.of(settings().retry())).onErrorMap(this::failed);
		}

		/**
		 * Type an attempt's failure for Resilience4j: a failure to get an answer as a
		 * {@link RetryableFailure} that the policy judged; anything else as it is.
		 */
		Throwable typed(Throwable ex) {
			Throwable failure = typedConnection(ex);
			if (this.call.retrying && failure instanceof CxoneConnectionException connection) {
				return settings().policy().unanswered(this.call.request.method().name(), connection,
						this.call.anyFailure, ReplayableBody.whyNotReplayable(this.call.request));
			}
			return failure;
		}

		private Throwable typedConnection(Throwable ex) {
			AuthorizedRequest authorized = this.authorized;
			return (authorized != null)
					? CxoneConnectionFilter.typed(ex, authorized, settings().failures(), settings().urlProperty()) : ex;
		}

		/**
		 * Return the error the call ends with.
		 */
		Throwable failed(Throwable ex) {
			Throwable failure = typed(ex);
			if (failure instanceof RetryableFailure retryable) {
				failure = settings().policy().toException(describe(), retryable, this.attempts);
			}
			return settings().named(failure);
		}

		private CallSettings settings() {
			return CxoneExchangeFilter.this.settings;
		}

		private String describe() {
			return AuthorizationPolicy.describe(this.call.request.method().name(), this.call.url);
		}

	}

	/**
	 * One attempt of a request: the request as the application made it, its URL resolved,
	 * with the token. The token is set on the outgoing request as it is written, before the
	 * request's own headers (which do not replace it), so no copy of the request is made;
	 * its headers as a filter after this one reads them are a copy, made when asked for.
	 */
	private static final class AuthorizedRequest implements ClientRequest {

		private final ClientRequest request;

		private final URI url;

		private final String authorization;

		private HttpHeaders headers;

		AuthorizedRequest(ClientRequest request, URI url, String authorization) {
			this.request = request;
			this.url = url;
			this.authorization = authorization;
		}

		@Override
		public HttpMethod method() {
			return this.request.method();
		}

		@Override
		public URI url() {
			return this.url;
		}

		@Override
		public HttpHeaders headers() {
			HttpHeaders headers = this.headers;
			if (headers == null) {
				HttpHeaders copy = new HttpHeaders();
				copy.putAll(this.request.headers());
				copy.set(HttpHeaders.AUTHORIZATION, this.authorization);
				headers = HttpHeaders.readOnlyHttpHeaders(copy);
				this.headers = headers;
			}
			return headers;
		}

		@Override
		public MultiValueMap<String, String> cookies() {
			return this.request.cookies();
		}

		@Override
		public BodyInserter<?, ? super ClientHttpRequest> body() {
			return this.request.body();
		}

		@Override
		public Map<String, Object> attributes() {
			return this.request.attributes();
		}

		@Override
		public Consumer<ClientHttpRequest> httpRequest() {
			return this.request.httpRequest();
		}

		@Override
		public String logPrefix() {
			return this.request.logPrefix();
		}

		@Override
		public Mono<Void> writeTo(ClientHttpRequest request, ExchangeStrategies strategies) {
			request.getHeaders().set(HttpHeaders.AUTHORIZATION, this.authorization);
			return this.request.writeTo(request, strategies);
		}

	}

}
