package io.github.cxonestarter.cxone.token;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import io.github.cxonestarter.cxone.CxoneAccessTokenProvider;
import io.github.resilience4j.core.IntervalFunction;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.security.oauth2.client.ClientAuthorizationException;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.core.OAuth2AccessToken;

/**
 * Keeps the application's one CXone token, on top of Spring Security's
 * {@link ReactiveOAuth2AuthorizedClientManager} (which fetches it) and
 * {@link ReactiveOAuth2AuthorizedClientService} (which stores it):
 * <ul>
 * <li><b>single flight</b>: however many callers find no valid token, one token request
 * runs and all of them share its result, or its error; nothing failed is cached;</li>
 * <li><b>refresh-ahead</b>: once the token enters its refresh window, one renewal runs in
 * the background while callers go on using the still-valid token; a failed renewal is
 * tried again after a backoff, not on every call;</li>
 * <li><b>replacement</b>: {@link #replaceRefused(OAuth2AccessToken)} drops a token the
 * API refused, and only that one, and fetches its successor in the same single flight;
 * when the API refuses the successor too, replacements back off.</li>
 * </ul>
 * No lock is taken: the state is two atomic references.
 *
 * @since 0.1.0
 */
public class CxoneTokenManager implements CxoneAccessTokenProvider {

	private static final Log logger = LogFactory.getLog(CxoneTokenManager.class);

	private final ReactiveOAuth2AuthorizedClientManager clientManager;

	private final ReactiveOAuth2AuthorizedClientService clientService;

	private final OAuth2AuthorizeRequest authorizeRequest;

	private final Duration refreshSkew;

	private final Clock clock;

	private final IntervalFunction renewalBackoff;

	private final TokenEventListener listener;

	private final AtomicReference<OAuth2AuthorizedClient> current = new AtomicReference<>();

	private final AtomicReference<Mono<OAuth2AuthorizedClient>> inFlight = new AtomicReference<>();

	private final AtomicInteger failedRenewals = new AtomicInteger();

	private volatile Instant nextRenewalAttempt = Instant.MIN;

	private final IntervalFunction refusalBackoff;

	private final AtomicInteger refusalStreak = new AtomicInteger();

	private volatile Instant nextReplacement = Instant.MIN;

	private final AtomicReference<String> lastRefused = new AtomicReference<>();

	private volatile Supplier<? extends RuntimeException> retired;

	private volatile String unconfirmedReplacement;

	private volatile Held held;

	/**
	 * Create a new instance.
	 * @param clientManager Spring Security's manager, whose provider treats a token as
	 * expired from {@code refreshSkew} before its expiry
	 * @param clientService the store the manager saves tokens to
	 * @param authorizeRequest the request for the application's token
	 * @param refreshSkew how long before expiry renewal starts (capped at half the token's
	 * lifetime)
	 * @param renewalBackoff the wait after the n-th failed background renewal
	 * @param refusalBackoff the wait after the API refused a new token for the n-th time
	 * in a row, during which refused tokens are not replaced
	 * @param clock the clock
	 * @param listener told about token requests, for metrics
	 */
	public CxoneTokenManager(ReactiveOAuth2AuthorizedClientManager clientManager,
			ReactiveOAuth2AuthorizedClientService clientService, OAuth2AuthorizeRequest authorizeRequest,
			Duration refreshSkew, IntervalFunction renewalBackoff, IntervalFunction refusalBackoff, Clock clock,
			TokenEventListener listener) {
		this.clientManager = clientManager;
		this.clientService = clientService;
		this.authorizeRequest = authorizeRequest;
		this.refreshSkew = refreshSkew;
		this.renewalBackoff = renewalBackoff;
		this.refusalBackoff = refusalBackoff;
		this.clock = clock;
		this.listener = listener;
	}

	/**
	 * Return the authorized client holding a valid token, fetching one only when none is
	 * held.
	 * @return the authorized client
	 */
	public Mono<OAuth2AuthorizedClient> authorize() {
		return Mono.defer(this::currentOrFetch);
	}

	private Mono<OAuth2AuthorizedClient> currentOrFetch() {
		Supplier<? extends RuntimeException> retired = this.retired;
		if (retired != null) {
			return Mono.error(retired);
		}
		OAuth2AuthorizedClient valid = valid();
		if (valid != null) {
			return Mono.just(valid);
		}
		// Waiters resume on different threads, not all on the event loop that received the
		// token: Reactor Netty opens a connection on the event loop that asks for it, so a
		// cold burst resumed there would pin every connection, and so all later traffic, to
		// that one event loop.
		return fetchShared().publishOn(Schedulers.parallel());
	}

	/**
	 * Return a valid access token, fetching one only when none is held.
	 * @return the access token
	 */
	@Override
	public Mono<OAuth2AccessToken> getAccessToken() {
		return authorize().map(OAuth2AuthorizedClient::getAccessToken);
	}

	/**
	 * Replace a token the API refused: drop it (only it: a newer token stays) and fetch a
	 * new one, as one step with every other token request, so that no caller's newer token
	 * is ever removed from the store. Callers that find the same token refused share the
	 * one replacement. While the API refuses even new tokens ({@link #refusedAgain}), a
	 * refused token is not replaced, so that a persisting 401 does not become a storm of
	 * token requests.
	 * @param refused the token the API refused
	 * @return the client with a new token, or empty when replacing is backing off
	 */
	public Mono<OAuth2AuthorizedClient> replaceRefused(OAuth2AccessToken refused) {
		return Mono.defer(() -> {
			Instant now = this.clock.instant();
			OAuth2AuthorizedClient held = this.current.get();
			if (held != null && !sameToken(held.getAccessToken(), refused) && isValid(held.getAccessToken(), now)) {
				// Another caller replaced it already.
				return Mono.just(held);
			}
			if (now.isBefore(this.nextReplacement)) {
				return Mono.empty();
			}
			if (refused.getTokenValue().equals(this.unconfirmedReplacement)) {
				// It replaced a refused token, and the API refused it before accepting it anywhere.
				refusedAgain(refused);
				return Mono.empty();
			}
			// The flight first, then the refused token out of memory: a caller arriving in between
			// joins this flight instead of starting one that would load the refused token from the store.
			Mono<OAuth2AuthorizedClient> replacement = fetchShared(refused);
			if (held != null && sameToken(held.getAccessToken(), refused) && this.current.compareAndSet(held, null)) {
				this.listener.tokenEvicted();
			}
			return replacement.publishOn(Schedulers.parallel());
		});
	}

	/**
	 * Record that the API refused a token that had just replaced a refused one: the API
	 * refuses even new tokens, so refused tokens are not replaced again for a wait that
	 * doubles with each new token refused (callers refused with the same token count once).
	 * @param token the new token the API refused
	 * @return how long refused tokens are not replaced
	 */
	public Duration refusedAgain(OAuth2AccessToken token) {
		OAuth2AuthorizedClient held = this.current.get();
		boolean stale = (held == null || !sameToken(held.getAccessToken(), token))
				&& !token.getTokenValue().equals(this.unconfirmedReplacement);
		// A late answer about an older token, or another caller's answer about this one: counted already.
		if (stale || token.getTokenValue().equals(this.lastRefused.getAndSet(token.getTokenValue()))) {
			return replacementBackoff();
		}
		int refusals = this.refusalStreak.incrementAndGet();
		Duration wait = Duration.ofMillis(this.refusalBackoff.apply(refusals));
		this.nextReplacement = this.clock.instant().plus(wait);
		// Judged: once the wait is over, it is replaced like any refused token.
		this.unconfirmedReplacement = null;
		logger.warn("CXone's API refused a new token (" + refusals + " time(s) in a row); refused tokens are not "
				+ "replaced for " + wait.toMillis() + " ms, and calls fail at once with a 401 meanwhile");
		return wait;
	}

	/**
	 * Return how long refused tokens are still not replaced.
	 * @return the remaining wait, zero when not backing off
	 */
	public Duration replacementBackoff() {
		Duration remaining = Duration.between(this.clock.instant(), this.nextReplacement);
		return remaining.isNegative() ? Duration.ZERO : remaining;
	}

	/**
	 * Record that the API accepted a token: it answered with anything but 401, 429 or a
	 * server error (which a gateway may send without looking at the token). A token that
	 * replaced a refused one is a token like any other from then on, and replaced when
	 * refused; and once the wait of {@link #refusedAgain} is over, it starts from the
	 * beginning the next time.
	 * @param token the token the API accepted
	 */
	public void accepted(OAuth2AccessToken token) {
		String unconfirmed = this.unconfirmedReplacement;
		if (unconfirmed != null && unconfirmed.equals(token.getTokenValue())) {
			this.unconfirmedReplacement = null;
		}
		if (this.refusalStreak.get() != 0 && !this.clock.instant().isBefore(this.nextReplacement)) {
			replacementAccepted();
		}
	}

	/**
	 * Record that the API accepted a token that replaced a refused one: replacing helped,
	 * so the wait of {@link #refusedAgain} starts from the beginning next time.
	 */
	public void replacementAccepted() {
		if (this.refusalStreak.get() != 0) {
			this.refusalStreak.set(0);
			this.nextReplacement = Instant.MIN;
		}
	}

	/**
	 * Return the authorized client held now if its token is valid, starting its renewal in
	 * the background when it is due, without fetching one: the blocking path's way to a
	 * token without subscribing to anything.
	 * @return the authorized client, or {@code null} when a token must be fetched
	 */
	public OAuth2AuthorizedClient valid() {
		OAuth2AuthorizedClient client = this.current.get();
		if (client == null || this.retired != null) {
			return null;
		}
		OAuth2AccessToken token = client.getAccessToken();
		Held held = held(token);
		if (held.expiresAt() == null) {
			return client;
		}
		Instant now = this.clock.instant();
		if (!now.isBefore(held.expiresAt())) {
			return null;
		}
		if (!now.isBefore(held.renewsAt())) {
			renewInBackground(now, token);
		}
		return client;
	}

	/**
	 * Return the {@code Authorization} header value for the given token, made once per
	 * token rather than once per request.
	 * @param token the token
	 * @return {@code Bearer} and the token value
	 */
	public String authorization(OAuth2AccessToken token) {
		return held(token).authorization();
	}

	/**
	 * Return what is worked out once per token: when it expires, when its renewal is due,
	 * its header.
	 */
	private Held held(OAuth2AccessToken token) {
		Held held = this.held;
		if (held == null || held.token() != token) {
			held = new Held(token, token.getExpiresAt(), renewsAt(token), "Bearer " + token.getTokenValue());
			this.held = held;
		}
		return held;
	}

	/**
	 * Return the token held now, without fetching one.
	 * @return the held token, or {@code null}
	 */
	public OAuth2AccessToken peek() {
		OAuth2AuthorizedClient client = this.current.get();
		return (client != null) ? client.getAccessToken() : null;
	}

	/**
	 * Stop handing out tokens, for good: drop the token held and the one in the store, and
	 * fail every later request for a token with the given error, a token request already
	 * running included when it ends.
	 * @param reason the error later requests fail with
	 * @return completes when the stored token is removed
	 */
	public Mono<Void> retire(Supplier<? extends RuntimeException> reason) {
		this.retired = reason;
		this.current.set(null);
		return this.clientService.removeAuthorizedClient(this.authorizeRequest.getClientRegistrationId(),
				this.authorizeRequest.getPrincipal().getName());
	}

	private Mono<OAuth2AuthorizedClient> fetchShared() {
		return fetchShared(null);
	}

	private Mono<OAuth2AuthorizedClient> fetchShared(OAuth2AccessToken refused) {
		while (true) {
			Mono<OAuth2AuthorizedClient> running = this.inFlight.get();
			if (running != null) {
				return running;
			}
			Mono<OAuth2AuthorizedClient> started = startFlight(refused);
			if (started != null) {
				return started;
			}
		}
	}

	/**
	 * Start a token request unless one is running.
	 * @param refused a token to drop from the store first, or {@code null}
	 * @return the new request, or {@code null} when another one is running
	 */
	private Mono<OAuth2AuthorizedClient> startFlight(OAuth2AccessToken refused) {
		return startFlight(refused, null);
	}

	/**
	 * Start a token request unless one is running.
	 * @param refused a token to drop from the store first, or {@code null}
	 * @param renewed the token a background renewal replaces, or {@code null}
	 * @return the new request, or {@code null} when another one is running
	 */
	private Mono<OAuth2AuthorizedClient> startFlight(OAuth2AccessToken refused, OAuth2AccessToken renewed) {
		AtomicReference<Mono<OAuth2AuthorizedClient>> self = new AtomicReference<>();
		// Removing the refused token inside the flight makes load-then-remove one step with
		// the flight's own save: no other token request of this manager can run in between.
		Mono<OAuth2AuthorizedClient> request = Mono.defer(this::requestToken);
		Mono<OAuth2AuthorizedClient> outcome = (refused != null) ? removeStored(refused).then(request)
			.doOnNext((client) -> this.unconfirmedReplacement = client.getAccessToken().getTokenValue()) : request;
		if (renewed != null) {
			// Judged before the flight is cleared: a caller that finds no flight must find this
			// renewal's backoff too, not start another renewal at once.
			outcome = outcome.doOnNext((client) -> renewalEnded(client, renewed)).doOnError(this::renewalFailed);
		}
		Mono<OAuth2AuthorizedClient> flight = outcome
			// Cleared before the token or the error reaches waiters: a waiter whose call then meets
			// a 401 must start a new flight, not join this finished one and get the refused token back.
			.doOnTerminate(() -> this.inFlight.compareAndSet(self.get(), null))
			// And when every waiter cancelled, so that the next caller does not join a dead flight.
			.doFinally((signal) -> this.inFlight.compareAndSet(self.get(), null))
			.cache();
		self.set(flight);
		return this.inFlight.compareAndSet(null, flight) ? flight : null;
	}

	private Mono<Void> removeStored(OAuth2AccessToken refused) {
		String principal = this.authorizeRequest.getPrincipal().getName();
		String registrationId = this.authorizeRequest.getClientRegistrationId();
		return this.clientService.<OAuth2AuthorizedClient>loadAuthorizedClient(registrationId, principal)
			.filter((stored) -> sameToken(stored.getAccessToken(), refused))
			.flatMap((stored) -> this.clientService.removeAuthorizedClient(registrationId, principal));
	}

	private Mono<OAuth2AuthorizedClient> requestToken() {
		long start = System.nanoTime();
		OAuth2AuthorizedClient before = this.current.get();
		return this.clientManager.authorize(this.authorizeRequest)
			.switchIfEmpty(Mono.error(() -> new IllegalStateException(
					"Spring Security's client manager returned no token for registration '"
							+ this.authorizeRequest.getClientRegistrationId() + "'")))
			.onErrorMap(ClientAuthorizationException.class,
					(ex) -> (ex.getCause() instanceof RuntimeException cause) ? cause : ex)
			.doOnNext((client) -> {
				if (!isValid(client.getAccessToken(), this.clock.instant())) {
					// Kept out of memory, so that it is not handed to callers as if it were valid.
					throw new IllegalStateException("Spring Security's client manager returned a token for registration '"
							+ this.authorizeRequest.getClientRegistrationId() + "' that has already expired");
				}
				if (this.retired != null) {
					// Retired while the request ran: the token is not handed out (and a retired
					// tenant's store does not save it).
					throw this.retired.get();
				}
				this.current.set(client);
				if (before == null || !sameToken(before.getAccessToken(), client.getAccessToken())) {
					this.listener.tokenIssued(Duration.ofNanos(System.nanoTime() - start));
				}
			})
			.doOnError((ex) -> this.listener.tokenFailed(Duration.ofNanos(System.nanoTime() - start), ex));
	}

	private void renewInBackground(Instant now, OAuth2AccessToken renewed) {
		if (now.isBefore(this.nextRenewalAttempt) || this.inFlight.get() != null) {
			return;
		}
		Mono<OAuth2AuthorizedClient> renewal = startFlight(null, renewed);
		if (renewal == null) {
			// Another caller started it: only the one that did counts and backs off.
			return;
		}
		this.listener.renewalStarted();
		// The flight itself records how the renewal ended.
		renewal.subscribe((client) -> {
		}, (ex) -> {
		});
	}

	private void renewalEnded(OAuth2AuthorizedClient client, OAuth2AccessToken renewed) {
		if (sameToken(client.getAccessToken(), renewed)) {
			// The client manager (or its store) answered with the token it had: nothing was renewed.
			renewalFailed(new IllegalStateException("the client manager returned the same token, which is "
					+ "still in its refresh window; check that its provider's clock skew is at least "
					+ "cxone.token.refresh-skew"));
		}
		else {
			this.failedRenewals.set(0);
		}
	}

	private void renewalFailed(Throwable ex) {
		int failures = this.failedRenewals.incrementAndGet();
		Duration wait = Duration.ofMillis(this.renewalBackoff.apply(failures));
		this.nextRenewalAttempt = this.clock.instant().plus(wait);
		logger.warn("Renewing the CXone token failed (" + failures + " in a row); the current token stays in use "
				+ "until it expires, next attempt in " + wait.toMillis() + " ms: " + ex.getMessage());
	}

	private boolean isValid(OAuth2AccessToken token, Instant now) {
		return token.getExpiresAt() == null || now.isBefore(token.getExpiresAt());
	}

	/**
	 * Return when the token's renewal is due: {@code refreshSkew} before its expiry, or
	 * half its lifetime before it when that is shorter; {@code null} when it has no expiry.
	 */
	private Instant renewsAt(OAuth2AccessToken token) {
		Instant expiresAt = token.getExpiresAt();
		if (expiresAt == null) {
			return null;
		}
		Duration window = this.refreshSkew;
		if (token.getIssuedAt() != null) {
			Duration half = Duration.between(token.getIssuedAt(), expiresAt).dividedBy(2);
			if (half.compareTo(window) < 0) {
				window = half;
			}
		}
		return expiresAt.minus(window);
	}

	private static boolean sameToken(OAuth2AccessToken a, OAuth2AccessToken b) {
		return a.getTokenValue().equals(b.getTokenValue());
	}

	/**
	 * What is worked out once per token.
	 */
	private record Held(OAuth2AccessToken token, Instant expiresAt, Instant renewsAt, String authorization) {

		@Override
		public String toString() {
			return "Held[expiresAt=" + this.expiresAt + "]";
		}

	}

}
