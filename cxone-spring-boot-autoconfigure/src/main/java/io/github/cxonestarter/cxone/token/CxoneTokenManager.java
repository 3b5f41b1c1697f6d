package io.github.cxonestarter.cxone.token;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

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
 * <li><b>eviction</b>: {@link #evict(OAuth2AccessToken)} drops a token the API refused,
 * and only that one.</li>
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

	/**
	 * Create a new instance.
	 * @param clientManager Spring Security's manager, whose provider treats a token as
	 * expired from {@code refreshSkew} before its expiry
	 * @param clientService the store the manager saves tokens to
	 * @param authorizeRequest the request for the application's token
	 * @param refreshSkew how long before expiry renewal starts (capped at half the token's
	 * lifetime)
	 * @param renewalBackoff the wait after the n-th failed background renewal
	 * @param clock the clock
	 * @param listener told about token requests, for metrics
	 */
	public CxoneTokenManager(ReactiveOAuth2AuthorizedClientManager clientManager,
			ReactiveOAuth2AuthorizedClientService clientService, OAuth2AuthorizeRequest authorizeRequest,
			Duration refreshSkew, IntervalFunction renewalBackoff, Clock clock, TokenEventListener listener) {
		this.clientManager = clientManager;
		this.clientService = clientService;
		this.authorizeRequest = authorizeRequest;
		this.refreshSkew = refreshSkew;
		this.renewalBackoff = renewalBackoff;
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
		OAuth2AuthorizedClient client = this.current.get();
		if (client != null) {
			Instant now = this.clock.instant();
			OAuth2AccessToken token = client.getAccessToken();
			if (isValid(token, now)) {
				if (isDueForRenewal(token, now)) {
					renewInBackground(now);
				}
				return Mono.just(client);
			}
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
	 * Drop the given token, because the API refused it. A newer token fetched meanwhile is
	 * kept.
	 * @param refused the token the API refused
	 * @return completes once the token is dropped from the store and from memory
	 */
	public Mono<Void> evict(OAuth2AccessToken refused) {
		String principal = this.authorizeRequest.getPrincipal().getName();
		String registrationId = this.authorizeRequest.getClientRegistrationId();
		return this.clientService.<OAuth2AuthorizedClient>loadAuthorizedClient(registrationId, principal)
			.filter((stored) -> sameToken(stored.getAccessToken(), refused))
			.flatMap((stored) -> this.clientService.removeAuthorizedClient(registrationId, principal))
			.then(Mono.fromRunnable(() -> {
				OAuth2AuthorizedClient held = this.current.get();
				if (held != null && sameToken(held.getAccessToken(), refused)
						&& this.current.compareAndSet(held, null)) {
					this.listener.tokenEvicted();
				}
			}));
	}

	/**
	 * Return the token held now, without fetching one.
	 * @return the held token, or {@code null}
	 */
	public OAuth2AccessToken peek() {
		OAuth2AuthorizedClient client = this.current.get();
		return (client != null) ? client.getAccessToken() : null;
	}

	private Mono<OAuth2AuthorizedClient> fetchShared() {
		while (true) {
			Mono<OAuth2AuthorizedClient> running = this.inFlight.get();
			if (running != null) {
				return running;
			}
			Mono<OAuth2AuthorizedClient> started = startFlight();
			if (started != null) {
				return started;
			}
		}
	}

	/**
	 * Start a token request unless one is running.
	 * @return the new request, or {@code null} when another one is running
	 */
	private Mono<OAuth2AuthorizedClient> startFlight() {
		AtomicReference<Mono<OAuth2AuthorizedClient>> self = new AtomicReference<>();
		// Cleared before the error reaches waiters, so that a caller woken by it starts afresh.
		Mono<OAuth2AuthorizedClient> flight = Mono.defer(this::requestToken)
			.doOnError((ex) -> this.inFlight.compareAndSet(self.get(), null))
			.doFinally((signal) -> this.inFlight.compareAndSet(self.get(), null))
			.cache();
		self.set(flight);
		return this.inFlight.compareAndSet(null, flight) ? flight : null;
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
				this.current.set(client);
				if (before == null || !sameToken(before.getAccessToken(), client.getAccessToken())) {
					this.listener.tokenIssued(Duration.ofNanos(System.nanoTime() - start));
				}
			})
			.doOnError((ex) -> this.listener.tokenFailed(Duration.ofNanos(System.nanoTime() - start), ex));
	}

	private void renewInBackground(Instant now) {
		if (now.isBefore(this.nextRenewalAttempt) || this.inFlight.get() != null) {
			return;
		}
		Mono<OAuth2AuthorizedClient> renewal = startFlight();
		if (renewal == null) {
			// Another caller started it: only the one that did counts and backs off.
			return;
		}
		this.listener.renewalStarted();
		renewal.subscribe((client) -> this.failedRenewals.set(0), (ex) -> {
			int failures = this.failedRenewals.incrementAndGet();
			Duration wait = Duration.ofMillis(this.renewalBackoff.apply(failures));
			this.nextRenewalAttempt = this.clock.instant().plus(wait);
			logger.warn("Renewing the CXone token failed (" + failures + " in a row); the current token stays in use "
					+ "until it expires, next attempt in " + wait.toMillis() + " ms: " + ex.getMessage());
		});
	}

	private boolean isValid(OAuth2AccessToken token, Instant now) {
		return token.getExpiresAt() == null || now.isBefore(token.getExpiresAt());
	}

	private boolean isDueForRenewal(OAuth2AccessToken token, Instant now) {
		Instant expiresAt = token.getExpiresAt();
		if (expiresAt == null) {
			return false;
		}
		Duration window = this.refreshSkew;
		if (token.getIssuedAt() != null) {
			Duration half = Duration.between(token.getIssuedAt(), expiresAt).dividedBy(2);
			if (half.compareTo(window) < 0) {
				window = half;
			}
		}
		return !now.isBefore(expiresAt.minus(window));
	}

	private static boolean sameToken(OAuth2AccessToken a, OAuth2AccessToken b) {
		return a.getTokenValue().equals(b.getTokenValue());
	}

}
