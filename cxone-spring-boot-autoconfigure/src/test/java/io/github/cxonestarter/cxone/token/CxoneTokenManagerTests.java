package io.github.cxonestarter.cxone.token;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.resilience4j.core.IntervalFunction;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.security.oauth2.client.InMemoryReactiveOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.InMemoryReactiveClientRegistrationRepository;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2AccessToken;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link CxoneTokenManager} built with {@code new}, for orderings a server cannot force.
 */
class CxoneTokenManagerTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final ClientRegistration registration = ClientRegistration.withRegistrationId("cxone")
		.authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
		.clientId("client")
		.clientSecret("secret")
		.tokenUri("https://cxone.example/oauth2/token")
		.build();

	@Test
	void whenARenewalHasFailedButItsBackoffIsNotYetSetThenAnotherCallerStartsNoRenewal() throws Exception {
		AtomicInteger authorizations = new AtomicInteger();
		// The first token is in its refresh window from the start; every renewal fails.
		ReactiveOAuth2AuthorizedClientManager clientManager = (request) -> (authorizations.incrementAndGet() == 1)
				? Mono.just(client(Instant.now().minusSeconds(50), Instant.now().plusSeconds(10)))
				: Mono.error(new IllegalStateException("renewal refused"));
		CountDownLatch computingBackoff = new CountDownLatch(1);
		CountDownLatch backoffComputed = new CountDownLatch(1);
		AtomicBoolean first = new AtomicBoolean(true);
		// The first backoff is computed slowly, as a thread preempted there would be.
		IntervalFunction renewalBackoff = (attempt) -> {
			if (first.getAndSet(false)) {
				computingBackoff.countDown();
				await(backoffComputed);
			}
			return 60_000L;
		};
		CxoneTokenManager tokens = new CxoneTokenManager(clientManager,
				new InMemoryReactiveOAuth2AuthorizedClientService(new InMemoryReactiveClientRegistrationRepository(
						this.registration)),
				OAuth2AuthorizeRequest.withClientRegistrationId("cxone").principal("app").build(),
				Duration.ofSeconds(30), renewalBackoff, IntervalFunction.of(Duration.ofSeconds(5)), Clock.systemUTC(),
				TokenEventListener.NONE);
		tokens.getAccessToken().block(TIMEOUT);
		// This caller starts the renewal, which fails at once and records its failure on this thread.
		CompletableFuture<OAuth2AccessToken> renewing = CompletableFuture
			.supplyAsync(() -> tokens.getAccessToken().block(TIMEOUT));
		assertThat(computingBackoff.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		for (int i = 0; i < 5; i++) {
			assertThat(tokens.getAccessToken().block(TIMEOUT)).isNotNull();
		}
		backoffComputed.countDown();
		assertThat(renewing.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isNotNull();
		// The first token and the one renewal: the callers meanwhile neither started nor joined another.
		assertThat(authorizations).hasValue(2);
	}

	private OAuth2AuthorizedClient client(Instant issuedAt, Instant expiresAt) {
		return new OAuth2AuthorizedClient(this.registration, "app",
				new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, "token-" + issuedAt, issuedAt, expiresAt));
	}

	private static void await(CountDownLatch latch) {
		try {
			latch.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
