package io.github.cxonestarter.cxone.test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

import static io.github.cxonestarter.cxone.test.CxoneWire.accessToken;
import static io.github.cxonestarter.cxone.test.CxoneWire.basic;
import static io.github.cxonestarter.cxone.test.CxoneWire.form;
import static io.github.cxonestarter.cxone.test.CxoneWire.get;
import static io.github.cxonestarter.cxone.test.CxoneWire.rawBasic;
import static io.github.cxonestarter.cxone.test.CxoneWire.token;
import static io.github.cxonestarter.cxone.test.CxoneWire.validToken;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests of {@link EmbeddedCxone} itself: its protocol, its faults and its journal.
 */
@ExtendWith(EmbeddedCxoneExtension.class)
class EmbeddedCxoneTests {

	private static final ObjectMapper json = JsonMapper.builder().build();

	private final HttpClient http = HttpClient.newHttpClient();

	@Test
	void whenTheClientAuthenticatesWithBasicThenATokenIsIssued(EmbeddedCxone cxone) throws Exception {
		HttpResponse<String> response = token(cxone, basic(EmbeddedCxone.CLIENT_ID, EmbeddedCxone.CLIENT_SECRET),
				"grant_type=client_credentials&scope=default");
		assertThat(response.statusCode()).isEqualTo(200);
		Map<String, Object> token = json.readValue(response.body(), new tools.jackson.core.type.TypeReference<>() {
		});
		assertThat(token.get("access_token")).asString().startsWith("cxone-");
		assertThat(token).containsEntry("token_type", "Bearer").containsEntry("expires_in", 3600)
			.containsEntry("scope", "default");
		assertThat(cxone.tokenRequests()).singleElement()
			.satisfies((request) -> assertThat(request.header("Authorization")).startsWith("Basic "));
	}

	@Test
	void whenTheClientAuthenticatesInTheBodyThenATokenIsIssued(EmbeddedCxone cxone) throws Exception {
		HttpResponse<String> response = token(cxone, null, "grant_type=client_credentials&client_id="
				+ form(EmbeddedCxone.CLIENT_ID) + "&client_secret=" + form(EmbeddedCxone.CLIENT_SECRET));
		assertThat(response.statusCode()).isEqualTo(200);
	}

	@Test
	void whenTheSecretIsWrongThenTheAnswerIsInvalidClient(EmbeddedCxone cxone) throws Exception {
		HttpResponse<String> response = token(cxone, basic(EmbeddedCxone.CLIENT_ID, "nope"),
				"grant_type=client_credentials");
		assertThat(response.statusCode()).isEqualTo(401);
		assertThat(json.readValue(response.body(), Map.class).get("error")).isEqualTo("invalid_client");
	}

	@Test
	void whenTheGrantTypeIsNotSupportedThenTheAnswerIsUnsupportedGrantType(EmbeddedCxone cxone) throws Exception {
		HttpResponse<String> response = token(cxone, basic(EmbeddedCxone.CLIENT_ID, EmbeddedCxone.CLIENT_SECRET),
				"grant_type=authorization_code");
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(json.readValue(response.body(), Map.class).get("error")).isEqualTo("unsupported_grant_type");
	}

	@Test
	void whenExpiresInIsLeftOutThenTheTokenResponseHasNone(EmbeddedCxone cxone) throws Exception {
		cxone.includeExpiresIn(false);
		assertThat(validToken(cxone)).contains("access_token").doesNotContain("expires_in");
	}

	@Test
	void whenATokenIsValidThenWhoamiAnswersWithTheIdentity(EmbeddedCxone cxone) throws Exception {
		HttpResponse<String> response = get(cxone, EmbeddedCxone.WHOAMI_PATH, accessToken(cxone));
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).contains("\"id\"", "\"name\"", "\"email\"", "\"scopes\"", "\"siteId\"");
	}

	@Test
	void whenATokenIsUnknownRevokedOrExpiredThenTheApiAnswers401(EmbeddedCxone cxone) throws Exception {
		assertThat(get(cxone, EmbeddedCxone.WHOAMI_PATH, "made-up").statusCode()).isEqualTo(401);
		assertThat(get(cxone, EmbeddedCxone.WHOAMI_PATH, null).statusCode()).isEqualTo(401);
		String revoked = accessToken(cxone);
		cxone.revokeAllTokens();
		assertThat(get(cxone, EmbeddedCxone.WHOAMI_PATH, revoked).statusCode()).isEqualTo(401);
		cxone.tokenLifetime(Duration.ofSeconds(1));
		String shortLived = accessToken(cxone);
		assertThat(get(cxone, EmbeddedCxone.WHOAMI_PATH, shortLived).statusCode()).isEqualTo(200);
		Thread.sleep(1100);
		assertThat(get(cxone, EmbeddedCxone.WHOAMI_PATH, shortLived).statusCode()).isEqualTo(401);
	}

	@Test
	void whenFaultsAreQueuedThenTheNextAnswersCarryThem(EmbeddedCxone cxone) throws Exception {
		String token = accessToken(cxone);
		cxone.enqueueApiFaults(2, 429, "5").enqueueApiFaults(1, 503, null);
		HttpResponse<String> first = get(cxone, EmbeddedCxone.AGENTS_PATH, token);
		assertThat(first.statusCode()).isEqualTo(429);
		assertThat(first.headers().firstValue("Retry-After")).hasValue("5");
		assertThat(first.headers().firstValue("icStatusDescription")).isPresent();
		assertThat(get(cxone, EmbeddedCxone.AGENTS_PATH, token).statusCode()).isEqualTo(429);
		assertThat(get(cxone, EmbeddedCxone.AGENTS_PATH, token).statusCode()).isEqualTo(503);
		assertThat(get(cxone, EmbeddedCxone.AGENTS_PATH, token).statusCode()).isEqualTo(200);
		cxone.failTokenRequests(1, 503);
		assertThat(token(cxone, basic(EmbeddedCxone.CLIENT_ID, EmbeddedCxone.CLIENT_SECRET),
				"grant_type=client_credentials").statusCode()).isEqualTo(503);
	}

	@Test
	void whenFaultsAreQueuedForOnePathThenOtherPathsAreAnsweredAsUsual(EmbeddedCxone cxone) throws Exception {
		String token = accessToken(cxone);
		cxone.enqueueApiFaults(EmbeddedCxone.AGENTS_PATH, 1, 429, "1");
		assertThat(get(cxone, EmbeddedCxone.WHOAMI_PATH, token).statusCode()).isEqualTo(200);
		assertThat(get(cxone, EmbeddedCxone.AGENTS_PATH, token).statusCode()).isEqualTo(429);
		assertThat(get(cxone, EmbeddedCxone.AGENTS_PATH, token).statusCode()).isEqualTo(200);
	}

	@Test
	void whenAScopeIsRequiredThenTokensWithoutItGet403(EmbeddedCxone cxone) throws Exception {
		cxone.requireScope("/inContactAPI", "agents.read");
		HttpResponse<String> response = get(cxone, EmbeddedCxone.AGENTS_PATH, accessToken(cxone));
		assertThat(response.statusCode()).isEqualTo(403);
		assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
				(challenge) -> assertThat(challenge).contains("insufficient_scope", "agents.read"));
	}

	@Test
	void whenDelaysAreSetThenAnswersComeLater(EmbeddedCxone cxone) throws Exception {
		String token = accessToken(cxone);
		cxone.apiDelay(Duration.ofMillis(300));
		Instant start = Instant.now();
		get(cxone, EmbeddedCxone.SERVER_TIME_PATH, token);
		assertThat(Duration.between(start, Instant.now())).isGreaterThanOrEqualTo(Duration.ofMillis(300));
	}

	@Test
	void whenTheSummaryIsQueriedThenCountsAreGroupedAsAsked(EmbeddedCxone cxone) throws Exception {
		String body = "{\"interval\":{\"from\":\"2026-01-01T00:00:00Z\",\"to\":\"2026-01-01T01:00:00Z\"},"
				+ "\"groupBy\":[\"interactionType\"],\"metrics\":[\"count\"],\"filter\":{\"mediaType\":[\"voice\"]},\"size\":2}";
		HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(cxone.baseUrl()
				+ EmbeddedCxone.CONVERSATIONS_SUMMARY_PATH))
			.header("Authorization", "Bearer " + accessToken(cxone))
			.header("Content-Type", "application/json")
			.header("Accept", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).contains("\"interactionType\":\"INBOUND\"", "\"count\":42")
			.doesNotContain("TRANSFER");
		HttpResponse<String> bad = http.send(HttpRequest.newBuilder(URI.create(cxone.baseUrl()
				+ EmbeddedCxone.CONVERSATIONS_SUMMARY_PATH))
			.header("Authorization", "Bearer " + accessToken(cxone))
			.header("Content-Type", "application/json")
			.header("Accept", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{}"))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(bad.statusCode()).isEqualTo(400);
	}

	@Test
	void whenRequestsArriveThenTheJournalRecordsThemInOrder(EmbeddedCxone cxone) throws Exception {
		String token = accessToken(cxone);
		get(cxone, EmbeddedCxone.WHOAMI_PATH + "?x=1", token);
		assertThat(cxone.requests()).hasSize(2);
		assertThat(cxone.tokenRequestCount()).isEqualTo(1);
		RecordedRequest api = cxone.apiRequests().get(0);
		assertThat(api.method()).isEqualTo("GET");
		assertThat(api.path()).isEqualTo(EmbeddedCxone.WHOAMI_PATH);
		assertThat(api.query()).isEqualTo("x=1");
		assertThat(api.header("authorization")).isEqualTo("Bearer " + token);
		assertThat(api.status()).isEqualTo(200);
		assertThat(api.receivedAt()).isAfterOrEqualTo(cxone.tokenRequests().get(0).receivedAt());
		cxone.reset();
		assertThat(cxone.requests()).isEmpty();
	}

	@Test
	void whenBasicCredentialsAreNotFormEncodedThenTheSecretWithPlusSlashAndEqualsIsRefused(EmbeddedCxone cxone)
			throws Exception {
		assertThat(EmbeddedCxone.CLIENT_SECRET).contains("+", "/", "=");
		assertThat(EmbeddedCxone.ACCESS_KEY_SECRET).contains("+", "/", "=");
		// Sent raw, '+' decodes to a space, as RFC 6749 section 2.3.1 and form decoding say.
		HttpResponse<String> raw = token(cxone, rawBasic(EmbeddedCxone.CLIENT_ID, EmbeddedCxone.CLIENT_SECRET),
				"grant_type=client_credentials");
		assertThat(raw.statusCode()).isEqualTo(401);
		assertThat(raw.headers().firstValue("WWW-Authenticate")).hasValueSatisfying((value) -> assertThat(value).startsWith("Basic"));
		// Encoded twice, the secret arrives with its escapes in it.
		HttpResponse<String> twice = token(cxone, rawBasic(EmbeddedCxone.CLIENT_ID, form(form(EmbeddedCxone.CLIENT_SECRET))),
				"grant_type=client_credentials");
		assertThat(twice.statusCode()).isEqualTo(401);
		// The client ID is form-encoded too.
		assertThat(token(cxone, rawBasic(EmbeddedCxone.CLIENT_ID, form(EmbeddedCxone.CLIENT_SECRET)),
				"grant_type=client_credentials").statusCode()).isEqualTo(401);
		assertThat(token(cxone, basic(EmbeddedCxone.CLIENT_ID, EmbeddedCxone.CLIENT_SECRET), "grant_type=client_credentials")
			.statusCode()).isEqualTo(200);
	}

	@Test
	void whenATokenRequestBreaksTheProtocolThenItIsRefusedAsAnAuthorizationServerWould(EmbeddedCxone cxone)
			throws Exception {
		String basic = basic(EmbeddedCxone.CLIENT_ID, EmbeddedCxone.CLIENT_SECRET);
		int issued = cxone.issuedTokenCount();
		// A parameter twice (RFC 6749 section 3.2).
		assertThat(token(cxone, basic, "grant_type=client_credentials&grant_type=client_credentials").statusCode())
			.isEqualTo(400);
		// Two client authentication methods (RFC 6749 section 2.3).
		assertThat(token(cxone, basic, "grant_type=client_credentials&client_secret=" + form(EmbeddedCxone.CLIENT_SECRET))
			.statusCode()).isEqualTo(400);
		// Not a form.
		HttpResponse<String> json = this.http.send(HttpRequest.newBuilder(URI.create(cxone.tokenUri()))
			.header("Content-Type", "application/json")
			.header("Authorization", basic)
			.POST(HttpRequest.BodyPublishers.ofString("{\"grant_type\":\"client_credentials\"}"))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(json.statusCode()).isEqualTo(400);
		assertThat(cxone.issuedTokenCount()).isEqualTo(issued);
	}

	@Test
	void whenTheTokenEndpointIsRateLimitedThenItAnswers429WithRetryAfterAndThenA5xxBurst(EmbeddedCxone cxone)
			throws Exception {
		cxone.enqueueTokenFaults(1, InjectedFault.status(429).retryAfter("3"))
			.enqueueTokenFaults(2, InjectedFault.status(503).htmlPage());
		String basic = basic(EmbeddedCxone.CLIENT_ID, EmbeddedCxone.CLIENT_SECRET);
		HttpResponse<String> limited = token(cxone, basic, "grant_type=client_credentials");
		assertThat(limited.statusCode()).isEqualTo(429);
		assertThat(limited.headers().firstValue("Retry-After")).hasValue("3");
		HttpResponse<String> down = token(cxone, basic, "grant_type=client_credentials");
		assertThat(down.statusCode()).isEqualTo(503);
		assertThat(down.headers().firstValue("Content-Type")).hasValue("text/html");
		assertThat(down.body()).startsWith("<html>");
		assertThat(token(cxone, basic, "grant_type=client_credentials").statusCode()).isEqualTo(503);
		assertThat(token(cxone, basic, "grant_type=client_credentials").statusCode()).isEqualTo(200);
		assertThat(cxone.tokenRequestCount()).isEqualTo(4);
	}

	@Test
	void whenAFaultHasAnHtmlPageOrNoContentTypeThenTheAnswerCarriesIt(EmbeddedCxone cxone) throws Exception {
		String token = accessToken(cxone);
		cxone.enqueueApiFaults(EmbeddedCxone.AGENTS_PATH, 1, InjectedFault.status(502).htmlPage())
			.enqueueApiFaults(EmbeddedCxone.AGENTS_PATH, 1, InjectedFault.status(503).withoutContentType());
		HttpResponse<String> html = get(cxone, EmbeddedCxone.AGENTS_PATH, token);
		assertThat(html.statusCode()).isEqualTo(502);
		assertThat(html.headers().firstValue("Content-Type")).hasValue("text/html");
		assertThat(html.body()).contains("<h1>502</h1>");
		HttpResponse<String> untyped = get(cxone, EmbeddedCxone.AGENTS_PATH, token);
		assertThat(untyped.statusCode()).isEqualTo(503);
		assertThat(untyped.headers().firstValue("Content-Type")).isEmpty();
		assertThat(untyped.body()).isNotBlank();
	}

	@Test
	void whenTheTokenIsBadThenA401ComesFirstAndTheFaultWaitsForAGoodToken(EmbeddedCxone cxone) throws Exception {
		cxone.enqueueApiFaults(EmbeddedCxone.AGENTS_PATH, 1, 429, "1");
		assertThat(get(cxone, EmbeddedCxone.AGENTS_PATH, "made-up").statusCode()).isEqualTo(401);
		String token = accessToken(cxone);
		assertThat(get(cxone, EmbeddedCxone.AGENTS_PATH, token).statusCode()).isEqualTo(429);
		assertThat(get(cxone, EmbeddedCxone.AGENTS_PATH, token).statusCode()).isEqualTo(200);
	}

	@Test
	void whenTheConnectionBreaksThenTheClientSeesItBreak(EmbeddedCxone cxone) throws Exception {
		String token = accessToken(cxone);
		cxone.enqueueApiFaults(EmbeddedCxone.AGENTS_PATH, 1, InjectedFault.closeMidResponse())
			.enqueueApiFaults(EmbeddedCxone.ECHO_PREFIX, 1, InjectedFault.closeWithoutResponse());
		assertThatExceptionOfType(IOException.class).isThrownBy(() -> get(cxone, EmbeddedCxone.AGENTS_PATH, token));
		// A POST, which the JDK's client does not retry by itself.
		HttpRequest post = HttpRequest.newBuilder(URI.create(cxone.baseUrl() + EmbeddedCxone.ECHO_PREFIX))
			.header("Authorization", "Bearer " + token)
			.POST(HttpRequest.BodyPublishers.ofString("hello"))
			.build();
		assertThatExceptionOfType(IOException.class)
			.isThrownBy(() -> this.http.send(post, HttpResponse.BodyHandlers.ofString()));
		assertThat(get(cxone, EmbeddedCxone.AGENTS_PATH, token).statusCode()).isEqualTo(200);
		assertThat(cxone.apiRequests()).extracting(RecordedRequest::status).containsExactly(200, 0, 200);
	}

	@Test
	void whenNoResponseIsPlannedThenTheClientTimesOutAndTheNextRequestIsAnswered(EmbeddedCxone cxone)
			throws Exception {
		String token = accessToken(cxone);
		cxone.enqueueApiFaults(EmbeddedCxone.AGENTS_PATH, 1, InjectedFault.noResponse());
		HttpRequest silent = HttpRequest.newBuilder(URI.create(cxone.baseUrl() + EmbeddedCxone.AGENTS_PATH))
			.header("Accept", "application/json")
			.header("Authorization", "Bearer " + token)
			.timeout(Duration.ofMillis(500))
			.build();
		assertThatExceptionOfType(java.net.http.HttpTimeoutException.class)
			.isThrownBy(() -> this.http.send(silent, HttpResponse.BodyHandlers.ofString()));
		assertThat(get(cxone, EmbeddedCxone.AGENTS_PATH, token).statusCode()).isEqualTo(200);
	}

	@Test
	void whenTokensAreRefusedForOnePathThenOtherPathsStillAcceptThem(EmbeddedCxone cxone) throws Exception {
		String token = accessToken(cxone);
		cxone.refuseTokens(EmbeddedCxone.AGENTS_PATH, true);
		assertThat(get(cxone, EmbeddedCxone.AGENTS_PATH, token).statusCode()).isEqualTo(401);
		assertThat(get(cxone, EmbeddedCxone.AGENTS_PATH, accessToken(cxone)).statusCode()).isEqualTo(401);
		assertThat(get(cxone, EmbeddedCxone.WHOAMI_PATH, token).statusCode()).isEqualTo(200);
		cxone.refuseTokens(EmbeddedCxone.AGENTS_PATH, false);
		assertThat(get(cxone, EmbeddedCxone.AGENTS_PATH, token).statusCode()).isEqualTo(200);
	}

	@Test
	void whenUnauthorizedBeforeBodyThenA401ArrivesWithoutTheBodyBeingRead(EmbeddedCxone cxone) throws Exception {
		cxone.unauthorizedBeforeBody(true);
		HttpResponse<String> response = this.http.send(HttpRequest.newBuilder(URI.create(cxone.baseUrl()
				+ EmbeddedCxone.ECHO_PREFIX))
			.header("Authorization", "Bearer made-up")
			.POST(HttpRequest.BodyPublishers.ofString("x".repeat(4096)))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(401);
		assertThat(cxone.apiRequests()).singleElement().satisfies((request) -> {
			assertThat(request.status()).isEqualTo(401);
			assertThat(request.body()).isEmpty();
		});
	}

	@Test
	void whenTheTokenIsDelayedThenItsLifetimeStartsWhenItIsSent(EmbeddedCxone cxone) throws Exception {
		cxone.tokenLifetime(Duration.ofSeconds(2)).tokenDelay(Duration.ofMillis(1500));
		String token = accessToken(cxone);
		// Issued before the delay, the token would have had 0.5 s left.
		Thread.sleep(700);
		assertThat(get(cxone, EmbeddedCxone.WHOAMI_PATH, token).statusCode()).isEqualTo(200);
	}

	@Test
	void whenAnotherServerIssuedTheTokenThenOnlyATrustedValidOneIsAccepted(EmbeddedCxone cxone) throws Exception {
		try (EmbeddedCxone auth = EmbeddedCxone.start()) {
			String foreign = accessToken(auth);
			assertThat(get(cxone, EmbeddedCxone.WHOAMI_PATH, foreign).statusCode()).isEqualTo(401);
			cxone.trustTokensOf(auth);
			assertThat(get(cxone, EmbeddedCxone.WHOAMI_PATH, foreign).statusCode()).isEqualTo(200);
			assertThat(get(cxone, EmbeddedCxone.WHOAMI_PATH, "made-up").statusCode()).isEqualTo(401);
			auth.revokeAllTokens();
			assertThat(get(cxone, EmbeddedCxone.WHOAMI_PATH, foreign).statusCode()).isEqualTo(401);
			cxone.acceptForeignTokens("good"::equals);
			assertThat(get(cxone, EmbeddedCxone.WHOAMI_PATH, "good").statusCode()).isEqualTo(200);
			assertThat(get(cxone, EmbeddedCxone.WHOAMI_PATH, "bad").statusCode()).isEqualTo(401);
		}
	}

}
