package io.github.cxonestarter.cxone;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.github.cxonestarter.cxone.AuthorizationServer.TokenRequest;
import io.github.cxonestarter.cxone.test.EmbeddedCxone;
import io.github.cxonestarter.cxone.token.CxoneTokenManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.security.oauth2.core.OAuth2AccessToken;

import static io.github.cxonestarter.cxone.CxoneTestContexts.whoami;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The token side against a real OAuth2 authorization server (Spring Authorization Server on
 * loopback); the API side is an embedded CXone that accepts its tokens.
 */
class CxoneAuthorizationServerTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static EmbeddedCxone api;

	@BeforeAll
	static void start() {
		api = EmbeddedCxone.start().acceptForeignTokens(AuthorizationServer::isActive);
	}

	@AfterAll
	static void stop() {
		api.close();
	}

	private ApplicationContextRunner runner(String clientId, String... properties) {
		String secret = AuthorizationServer.SHORT_LIVED_CLIENT_ID.equals(clientId)
				? AuthorizationServer.SHORT_LIVED_CLIENT_SECRET : AuthorizationServer.CLIENT_SECRET;
		return CxoneTestContexts.runner()
			.withPropertyValues("cxone.base-url=" + api.baseUrl(), "cxone.token-uri=" + AuthorizationServer.tokenUri(),
					"cxone.client-id=" + clientId, "cxone.client-secret=" + secret)
			.withPropertyValues(properties);
	}

	@Test
	void whenBasicAuthIsConfiguredThenTheTokenRequestIsAClientCredentialsGrantWithBasicAuth() {
		runner(AuthorizationServer.CLIENT_ID).run((context) -> {
			int before = AuthorizationServer.tokenRequests(AuthorizationServer.CLIENT_ID).size();
			int apiBefore = api.apiRequests().size();
			whoami(context.getBean(CxoneWebClient.class)).block(TIMEOUT);
			List<TokenRequest> requests = AuthorizationServer.tokenRequests(AuthorizationServer.CLIENT_ID);
			assertThat(requests).hasSize(before + 1);
			TokenRequest request = requests.get(requests.size() - 1);
			assertThat(request.authorizationScheme()).isEqualTo("Basic");
			assertThat(request.parameters()).containsEntry("grant_type", "client_credentials")
				.containsEntry("scope", "default")
				.doesNotContainKey("client_secret");
			String token = context.getBean(CxoneTokenManager.class).peek().getTokenValue();
			assertThat(token).contains(".");
			assertThat(api.apiRequests().get(apiBefore).header("Authorization")).isEqualTo("Bearer " + token);
		});
	}

	@Test
	void whenPostAuthIsConfiguredThenTheCredentialsTravelInTheBody() {
		runner(AuthorizationServer.CLIENT_ID, "cxone.client-authentication-method=client-secret-post",
				"cxone.scopes=default,reporting")
			.run((context) -> {
				whoami(context.getBean(CxoneWebClient.class)).block(TIMEOUT);
				List<TokenRequest> requests = AuthorizationServer.tokenRequests(AuthorizationServer.CLIENT_ID);
				TokenRequest request = requests.get(requests.size() - 1);
				assertThat(request.authorizationScheme()).isNull();
				assertThat(request.parameters()).containsEntry("grant_type", "client_credentials")
					.containsEntry("scope", "default reporting")
					.containsEntry("client_id", AuthorizationServer.CLIENT_ID)
					.containsEntry("client_secret", AuthorizationServer.CLIENT_SECRET);
				assertThat(context.getBean(CxoneTokenManager.class).peek().getScopes()).contains("default", "reporting");
			});
	}

	@Test
	void whenFiftyCallsRunThenTheAuthorizationServerSeesOneTokenRequest() {
		runner(AuthorizationServer.CLIENT_ID).run((context) -> {
			int before = AuthorizationServer.tokenRequests(AuthorizationServer.CLIENT_ID).size();
			CxoneWebClient client = context.getBean(CxoneWebClient.class);
			for (int i = 0; i < 50; i++) {
				whoami(client).block(TIMEOUT);
			}
			assertThat(AuthorizationServer.tokenRequests(AuthorizationServer.CLIENT_ID)).hasSize(before + 1);
		});
	}

	@Test
	void whenTheTokenReachesItsRefreshWindowThenItIsRenewedOnce() {
		runner(AuthorizationServer.SHORT_LIVED_CLIENT_ID, "cxone.token.refresh-skew=1s").run((context) -> {
			CxoneWebClient client = context.getBean(CxoneWebClient.class);
			CxoneTokenManager tokens = context.getBean(CxoneTokenManager.class);
			whoami(client).block(TIMEOUT);
			int afterFirst = AuthorizationServer.tokenRequests(AuthorizationServer.SHORT_LIVED_CLIENT_ID).size();
			OAuth2AccessToken first = tokens.peek();
			// Before expiry - skew, calls reuse the token.
			whoami(client).block(TIMEOUT);
			assertThat(AuthorizationServer.tokenRequests(AuthorizationServer.SHORT_LIVED_CLIENT_ID)).hasSize(afterFirst);
			await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> {
				whoami(client).block(TIMEOUT);
				return !tokens.peek().getTokenValue().equals(first.getTokenValue());
			});
			List<TokenRequest> requests = AuthorizationServer.tokenRequests(AuthorizationServer.SHORT_LIVED_CLIENT_ID);
			assertThat(requests).hasSize(afterFirst + 1);
			// Renewed inside the refresh window: no sooner than 1 s before the first token's expiry,
			// and before it, not once it had expired.
			assertThat(requests.get(afterFirst).receivedAt()).as("when the renewal reached the authorization server")
				.isAfterOrEqualTo(first.getExpiresAt().minus(Duration.ofSeconds(1)))
				.isBefore(first.getExpiresAt());
			assertThat(api.apiRequests())
				.filteredOn((request) -> ("Bearer " + first.getTokenValue()).equals(request.header("Authorization")))
				.isNotEmpty()
				.allSatisfy((request) -> assertThat(request.receivedAt()).isBefore(first.getExpiresAt()));
			assertThat(tokens.peek().getExpiresAt()).isAfter(Instant.now());
		});
	}

}
