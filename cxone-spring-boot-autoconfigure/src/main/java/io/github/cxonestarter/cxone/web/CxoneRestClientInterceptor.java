package io.github.cxonestarter.cxone.web;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;

import io.github.cxonestarter.cxone.CxoneAccessDeniedException;
import io.github.cxonestarter.cxone.CxoneApiException;
import io.github.cxonestarter.cxone.CxoneAuthenticationException;
import io.github.cxonestarter.cxone.CxoneBlockingCallException;
import io.github.cxonestarter.cxone.CxoneConnectionException;
import io.github.cxonestarter.cxone.CxoneException;
import io.github.cxonestarter.cxone.CxoneFailures;
import io.github.cxonestarter.cxone.CxoneForeignHostException;
import io.github.cxonestarter.cxone.CxoneRestClient;
import io.github.cxonestarter.cxone.http.ConnectionFailures;
import io.github.cxonestarter.cxone.token.BlockingTokens;
import io.github.cxonestarter.cxone.token.CxoneTokenManager;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpRequest;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.http.client.support.HttpRequestWrapper;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.core.OAuth2AccessToken;

/**
 * The blocking counterpart of the filters of {@code CxoneWebClient}, for
 * {@link CxoneRestClient} and the {@code cxone} HTTP service group: the same token (from
 * the same {@link CxoneTokenManager}), the same origin check, 401 replay and 403 error
 * ({@link AuthorizationPolicy}), the same retries with the same Resilience4j
 * {@link Retry}, run by its synchronous decorator ({@link RetryPolicy}), and the same
 * typed connection errors ({@link ConnectionFailures}). RestClient hands interceptors the
 * request body as bytes, so every attempt sends those same bytes.
 * <ul>
 * <li>a {@link CxoneForeignHostException} for another host than the API's;</li>
 * <li>a {@link CxoneAuthenticationException} for a 401 that a new token did not fix;</li>
 * <li>a {@link CxoneAccessDeniedException} for a 403;</li>
 * <li>a {@link CxoneApiException} when retries ran out;</li>
 * <li>a {@link CxoneBlockingCallException} on a Reactor non-blocking thread.</li>
 * </ul>
 *
 * @since 0.1.0
 */
public class CxoneRestClientInterceptor implements ClientHttpRequestInterceptor {

	private static final int MAX_FAILURE_BODY = 256 * 1024;

	private static final Set<String> WITHOUT_BODY = Set.of("GET", "HEAD", "OPTIONS", "TRACE", "DELETE");

	private final CallSettings settings;

	private final BlockingTokens tokens;

	private final CxoneTokenManager manager;

	private final Retry retry;

	private final Retry.AsyncContext succeededAtOnce;

	/**
	 * Create a new instance.
	 * @param settings what every call is given
	 */
	public CxoneRestClientInterceptor(CallSettings settings) {
		this.settings = settings;
		this.tokens = settings.tokens();
		this.manager = settings.tokens().manager();
		this.retry = withoutResultPredicate(settings.retry());
		this.succeededAtOnce = (this.retry != null) ? RetryPolicy.succeededAtOnce(this.retry) : null;
	}

	/**
	 * Return the retry to run blocking calls with: the given one, or, when it also judges
	 * results (an application's {@code Retry} written for WebClient's {@code ClientResponse}),
	 * one of the same name and configuration that does not, since a blocking response is not
	 * a {@code ClientResponse} and would be left unclosed by every retry it asked for.
	 */
	private static Retry withoutResultPredicate(Retry retry) {
		if (retry == null || retry.getRetryConfig().getResultPredicate() == null) {
			return retry;
		}
		return Retry.of(retry.getName(), RetryConfig.from(retry.getRetryConfig()).retryOnResult((result) -> false).build());
	}

	@Override
	public ClientHttpResponse intercept(HttpRequest request, byte[] body, ClientHttpRequestExecution execution)
			throws IOException {
		try {
			return call(request, body, execution);
		}
		catch (CxoneException ex) {
			throw (CxoneException) this.settings.named(ex);
		}
	}

	private ClientHttpResponse call(HttpRequest request, byte[] body, ClientHttpRequestExecution execution)
			throws IOException {
		BlockingTokens.checkMayBlock();
		URI origin = this.settings.knownOrigin();
		if (origin == null) {
			origin = this.tokens.await(this.settings.discovered().apiEndpoint(), "the discovery of the tenant's API host");
		}
		URI url = CallSettings.target(origin, request.getURI());
		String method = request.getMethod().name();
		if (!AuthorizationPolicy.sameOrigin(origin, url)) {
			throw AuthorizationPolicy.foreignHost("CxoneRestClient", "RestClient", method, url, origin);
		}
		Call call = new Call(request, url, body, execution,
				(body.length > this.settings.maxReplayBodySize()) ? RetryPolicy.tooLargeToReplay(this.settings.maxReplayBodySize()) : null);
		if (this.retry == null || RetryPolicy.isSet(request.getAttributes().get(CxoneRestClient.NO_RETRY))) {
			return authorized(call);
		}
		boolean anyFailure = this.settings.policy().retriesAnyFailure(method,
				request.getAttributes().get(CxoneRestClient.RETRY_NON_IDEMPOTENT));
		Exception first;
		try {
			// Most calls succeed at once and need none of Resilience4j's retry machinery.
			ClientHttpResponse response = attempt(call, anyFailure);
			this.succeededAtOnce.onComplete();
			return response;
		}
		catch (Exception ex) {
			first = ex;
		}
		// After a failure Resilience4j takes over, with that failure as its first attempt, so
		// that it decides, waits and counts exactly as if it had run the first attempt itself.
		boolean[] replayed = new boolean[1];
		try {
			return Retry.decorateCallable(this.retry, () -> {
				if (!replayed[0]) {
					replayed[0] = true;
					throw first;
				}
				return attempt(call, anyFailure);
			}).call();
		}
		catch (RetryableFailure failure) {
			CxoneApiException typed = this.settings.policy().toException(call.description(), failure, call.attempts);
			if (Thread.currentThread().isInterrupted()) {
				// Resilience4j stopped waiting for the next attempt and kept the interrupt.
				throw new CxoneBlockingCallException("The thread was interrupted while it waited to send "
						+ call.description() + " again. " + typed.getMessage(), typed);
			}
			throw typed;
		}
		catch (IOException | RuntimeException ex) {
			throw ex;
		}
		catch (Exception ex) {
			// Nothing below throws a checked exception other than IOException.
			throw new IllegalStateException(ex);
		}
	}

	private ClientHttpResponse attempt(Call call, boolean anyFailure) throws IOException {
		call.attempts++;
		ClientHttpResponse response;
		try {
			response = authorized(call);
		}
		catch (CxoneConnectionException ex) {
			throw this.settings.policy().unanswered(call.method(), ex, anyFailure, call.notReplayable);
		}
		int status = response.getStatusCode().value();
		if (!this.settings.policy().isFailure(status, anyFailure)) {
			return response;
		}
		HttpHeaders headers = response.getHeaders();
		// Read to the end and closed, so that the connection goes back to the pool.
		throw this.settings.policy().answered(status, headers.getOrEmpty(HttpHeaders.RETRY_AFTER),
				headers.getFirst("icStatusDescription"), readAndClose(response), call.notReplayable);
	}

	private ClientHttpResponse authorized(Call call) throws IOException {
		OAuth2AuthorizedClient client = this.tokens.authorize();
		ClientHttpResponse response = send(call, client.getAccessToken());
		int status = response.getStatusCode().value();
		if (!AuthorizationPolicy.isRefused(status)) {
			if (AuthorizationPolicy.isAccepted(status)) {
				this.manager.accepted(client.getAccessToken());
			}
			return checked(response, call, client);
		}
		response.close();
		OAuth2AuthorizedClient fresh = this.tokens.await(this.manager.replaceRefused(client.getAccessToken()),
				"a new CXone token");
		// The refused token is replaced either way; a body that may not be sent twice is not replayed.
		if (call.notReplayable != null) {
			throw AuthorizationPolicy.notReplayable(call.description(), call.notReplayable);
		}
		if (fresh == null) {
			throw AuthorizationPolicy.replacementRefused(call.description(), this.manager.replacementBackoff());
		}
		ClientHttpResponse replayed = send(call, fresh.getAccessToken());
		int replayedStatus = replayed.getStatusCode().value();
		if (!AuthorizationPolicy.isRefused(replayedStatus)) {
			if (AuthorizationPolicy.isAccepted(replayedStatus)) {
				this.manager.replacementAccepted();
				this.manager.accepted(fresh.getAccessToken());
			}
			return checked(replayed, call, fresh);
		}
		Duration wait = this.manager.refusedAgain(fresh.getAccessToken());
		replayed.close();
		throw AuthorizationPolicy.refusedTwice(call.description(), wait);
	}

	private ClientHttpResponse send(Call call, OAuth2AccessToken token) throws IOException {
		ConnectionFailures.Admission admission = this.settings.failures().admit(call.url);
		if (admission.refusal() != null) {
			throw admission.refusal();
		}
		try {
			ClientHttpResponse response = call.send(this.manager.authorization(token));
			if (admission.isProbe()) {
				this.settings.failures().probeEnded(admission, true);
			}
			this.settings.instrumentation().answered(response.getStatusCode().value());
			return new TypedBodyResponse(response);
		}
		catch (IOException ex) {
			// Typed first, then the probe ended, as CxoneExchangeFilter does: a proxy's refusal of
			// the probe must be remembered as the probe's, so that the wait after it doubles.
			CxoneConnectionException typed = this.settings.failures().classify(transportFailure(ex), call.url, this.settings.urlProperty());
			if (admission.isProbe()) {
				this.settings.failures().probeEnded(admission, false);
			}
			if (CxoneFailures.find(ex, InterruptedException.class) != null) {
				Thread.currentThread().interrupt();
				throw new CxoneBlockingCallException("The thread was interrupted while it waited for CXone's answer to "
						+ call.description() + ".", ex);
			}
			if (typed != null) {
				throw typed;
			}
			throw ex;
		}
		catch (RuntimeException | Error ex) {
			if (admission.isProbe()) {
				this.settings.failures().probeEnded(admission, false);
			}
			throw ex;
		}
	}

	private ClientHttpResponse checked(ClientHttpResponse response, Call call, OAuth2AuthorizedClient client)
			throws IOException {
		if (AuthorizationPolicy.isDenied(response.getStatusCode().value())) {
			String challenge = response.getHeaders().getFirst(HttpHeaders.WWW_AUTHENTICATE);
			response.close();
			throw AuthorizationPolicy.denied(call.description(), challenge, client.getAccessToken().getScopes());
		}
		return response;
	}

	/**
	 * Return what failed, under the plain {@link IOException} that Spring's Reactor request
	 * wraps around every failure that is not one (a response timeout, an invalid header
	 * value): only a failure of the transport is a connection error, and retried.
	 */
	private static Throwable transportFailure(IOException ex) {
		return (ex.getClass() == IOException.class && ex.getCause() != null) ? ex.getCause() : ex;
	}

	/**
	 * Read a failed attempt's body for the error, at most {@link #MAX_FAILURE_BODY} bytes
	 * of it, as WebClient's codecs keep at most that much; the rest is drained by closing,
	 * so that the connection goes back to the pool.
	 */
	private static String readAndClose(ClientHttpResponse response) {
		try (response) {
			MediaType contentType = response.getHeaders().getContentType();
			Charset charset = (contentType != null && contentType.getCharset() != null) ? contentType.getCharset()
					: StandardCharsets.UTF_8;
			return new String(response.getBody().readNBytes(MAX_FAILURE_BODY), charset);
		}
		catch (IOException | RuntimeException ex) {
			return "";
		}
	}

	/**
	 * One call through the interceptor: what every attempt sends again.
	 */
	private static final class Call {

		private final HttpRequest request;

		private final URI url;

		private final byte[] body;

		private final ClientHttpRequestExecution execution;

		private final String notReplayable;

		private int attempts;

		Call(HttpRequest request, URI url, byte[] body, ClientHttpRequestExecution execution, String notReplayable) {
			this.request = request;
			this.url = url;
			this.body = body;
			this.execution = execution;
			this.notReplayable = notReplayable;
		}

		String method() {
			return this.request.getMethod().name();
		}

		String description() {
			return AuthorizationPolicy.describe(method(), this.url);
		}

		/**
		 * Send one attempt with the given {@code Authorization} value, on a copy of the
		 * request's headers: the application's interceptors before this one never see the
		 * token, and what those after it change on one attempt stays out of the next.
		 */
		ClientHttpResponse send(String authorization) throws IOException {
			return this.execution.execute(new Authorized(this, authorization), this.body);
		}

	}

	/**
	 * One attempt of a call: its URL resolved, its headers a copy with the token set, so
	 * that no attempt sees another's token.
	 */
	private static final class Authorized extends HttpRequestWrapper {

		private final URI url;

		private final HttpHeaders headers;

		Authorized(Call call, String authorization) {
			super(call.request);
			this.url = call.url;
			this.headers = HttpHeaders.copyOf(call.request.getHeaders());
			this.headers.set(HttpHeaders.AUTHORIZATION, authorization);
			// RestClient's buffering sets Content-Length: 0 on every request; a GET without a body is
			// sent as WebClient sends it, without one.
			if (call.body.length == 0 && WITHOUT_BODY.contains(call.method())) {
				this.headers.remove(HttpHeaders.CONTENT_LENGTH);
			}
		}

		@Override
		public URI getURI() {
			return this.url;
		}

		@Override
		public HttpHeaders getHeaders() {
			return this.headers;
		}

	}

	/**
	 * A response whose body, read after the interceptor returned, fails with an
	 * {@link IOException} when the connection breaks mid-body (which RestClient reports as
	 * its own {@code RestClientException}), not with a Reactor-internal exception.
	 */
	private static final class TypedBodyResponse implements ClientHttpResponse {

		private final ClientHttpResponse response;

		private InputStream body;

		TypedBodyResponse(ClientHttpResponse response) {
			this.response = response;
		}

		@Override
		public HttpStatusCode getStatusCode() throws IOException {
			return this.response.getStatusCode();
		}

		@Override
		public String getStatusText() throws IOException {
			return this.response.getStatusText();
		}

		@Override
		public HttpHeaders getHeaders() {
			return this.response.getHeaders();
		}

		@Override
		public InputStream getBody() throws IOException {
			if (this.body == null) {
				this.body = new TypedInputStream(this.response.getBody());
			}
			return this.body;
		}

		@Override
		public void close() {
			try {
				this.response.close();
			}
			catch (RuntimeException ex) {
				// Draining a body that broke off: the connection is gone, there is nothing to give back.
			}
		}

	}

	/**
	 * A body stream that turns the unchecked failures of Spring's Reactor input stream into
	 * the {@link IOException}s an {@link InputStream} is expected to throw.
	 */
	private static final class TypedInputStream extends FilterInputStream {

		TypedInputStream(InputStream in) {
			super(in);
		}

		@Override
		public int read() throws IOException {
			try {
				return super.read();
			}
			catch (RuntimeException ex) {
				throw broken(ex);
			}
		}

		@Override
		public int read(byte[] buffer, int offset, int length) throws IOException {
			try {
				return super.read(buffer, offset, length);
			}
			catch (RuntimeException ex) {
				throw broken(ex);
			}
		}

		private static IOException broken(RuntimeException ex) {
			IOException cause = CxoneFailures.find(ex, IOException.class);
			return new IOException("CXone's answer broke off before its end (" + CxoneFailures.rootCause(ex) + ")",
					(cause != null) ? cause : ex);
		}

	}

}
