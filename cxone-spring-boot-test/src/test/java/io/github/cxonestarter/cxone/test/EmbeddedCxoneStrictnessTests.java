package io.github.cxonestarter.cxone.test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

import static io.github.cxonestarter.cxone.test.CxoneWire.accessToken;
import static io.github.cxonestarter.cxone.test.CxoneWire.basic;
import static io.github.cxonestarter.cxone.test.CxoneWire.form;
import static io.github.cxonestarter.cxone.test.CxoneWire.get;
import static io.github.cxonestarter.cxone.test.CxoneWire.send;
import static io.github.cxonestarter.cxone.test.CxoneWire.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * {@link EmbeddedCxone} refuses what a real server refuses and does what it says: each
 * test here failed against a stand-in that forgave it.
 */
@ExtendWith(EmbeddedCxoneExtension.class)
class EmbeddedCxoneStrictnessTests {

	private static final ObjectMapper json = JsonMapper.builder().build();

	private final HttpClient http = HttpClient.newHttpClient();

	@Test
	void whenResetThenAScopeAllowedOrAClientRegisteredByAnEarlierTestIsForgotten(EmbeddedCxone cxone)
			throws Exception {
		cxone.allowScope("admin").registerClient("other-client", "other-secret").registerAccessKey("other-key", "k");
		cxone.reset();
		HttpResponse<String> admin = token(cxone, basic(EmbeddedCxone.CLIENT_ID, EmbeddedCxone.CLIENT_SECRET),
				"grant_type=client_credentials&scope=admin");
		assertThat(admin.statusCode()).isEqualTo(400);
		assertThat(admin.body()).contains("invalid_scope");
		assertThat(token(cxone, basic("other-client", "other-secret"), "grant_type=client_credentials").statusCode())
			.isEqualTo(401);
		assertThat(send(HttpRequest.newBuilder(URI.create(cxone.baseUrl() + EmbeddedCxone.ACCESS_KEY_TOKEN_PATH))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.header("Authorization", basic(EmbeddedCxone.CLIENT_ID, EmbeddedCxone.CLIENT_SECRET))
			.POST(HttpRequest.BodyPublishers.ofString("grant_type=password&username=other-key&password=k")))
			.statusCode()).isEqualTo(401);
		// The defaults are still there.
		assertThat(token(cxone, basic(EmbeddedCxone.CLIENT_ID, EmbeddedCxone.CLIENT_SECRET),
				"grant_type=client_credentials&scope=default").statusCode()).isEqualTo(200);
	}

	@Test
	void whenARequestCarriesTheTokenTwiceOrInTwoWaysThenItIsRefusedWith400(EmbeddedCxone cxone) throws Exception {
		String token = accessToken(cxone);
		// A stale header left next to the new one: RFC 9110 section 5.3, RFC 6750 section 3.1.
		HttpResponse<String> twice = send(HttpRequest.newBuilder(URI.create(cxone.baseUrl() + EmbeddedCxone.WHOAMI_PATH))
			.header("Accept", "application/json")
			.header("Authorization", "Bearer " + token)
			.header("Authorization", "Bearer stale"));
		assertThat(twice.statusCode()).isEqualTo(400);
		assertThat(twice.body()).contains("invalid_request");
		// The header and the query: RFC 6750 section 2, one method only.
		HttpResponse<String> query = send(HttpRequest
			.newBuilder(URI.create(cxone.baseUrl() + EmbeddedCxone.WHOAMI_PATH + "?access_token=" + token))
			.header("Accept", "application/json")
			.header("Authorization", "Bearer " + token));
		assertThat(query.statusCode()).isEqualTo(400);
		// Two Basic headers at the token endpoint.
		HttpResponse<String> basic = send(HttpRequest.newBuilder(URI.create(cxone.tokenUri()))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.header("Authorization", basic(EmbeddedCxone.CLIENT_ID, EmbeddedCxone.CLIENT_SECRET))
			.header("Authorization", basic(EmbeddedCxone.CLIENT_ID, "stale"))
			.POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")));
		assertThat(basic.statusCode()).isEqualTo(400);
		assertThat(cxone.apiRequests()).extracting(RecordedRequest::status).containsExactly(400, 400);
	}

	@Test
	void whenTheAccessKeyTokenRequestSendsTheClientSecretInTheBodyThenItIsRefused(EmbeddedCxone cxone)
			throws Exception {
		// The OpenID configuration says client_secret_basic only, as CXone's does.
		assertThat(get(cxone, EmbeddedCxone.OPENID_CONFIGURATION_PATH, null).body())
			.contains("\"token_endpoint_auth_methods_supported\":[\"client_secret_basic\"]");
		int issued = cxone.issuedTokenCount();
		HttpResponse<String> response = send(HttpRequest
			.newBuilder(URI.create(cxone.baseUrl() + EmbeddedCxone.ACCESS_KEY_TOKEN_PATH))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString("grant_type=password&username=" + form(EmbeddedCxone.ACCESS_KEY_ID)
					+ "&password=" + form(EmbeddedCxone.ACCESS_KEY_SECRET) + "&client_id=" + form(EmbeddedCxone.CLIENT_ID)
					+ "&client_secret=" + form(EmbeddedCxone.CLIENT_SECRET))));
		assertThat(response.statusCode()).isEqualTo(401);
		assertThat(response.body()).contains("invalid_client");
		assertThat(cxone.issuedTokenCount()).isEqualTo(issued);
	}

	@Test
	void whenTheSummaryBodyIsNotApplicationJsonThenItIsRefusedWith415(EmbeddedCxone cxone) throws Exception {
		String token = accessToken(cxone);
		String body = "{\"interval\":{\"from\":\"a\",\"to\":\"b\"},\"groupBy\":[\"x\"]}";
		for (String type : new String[] { "application/json-patch+json", "application/jsonx", "application/json5" }) {
			assertThat(summary(cxone, token, type, body).statusCode()).as(type).isEqualTo(415);
		}
		for (String type : new String[] { "application/json", "application/json; charset=UTF-8", "Application/JSON" }) {
			assertThat(summary(cxone, token, type, body).statusCode()).as(type).isEqualTo(200);
		}
	}

	@Test
	void whenAForeignTokenCheckThrowsThenTheClientGetsA500AndTheJournalShowsIt(EmbeddedCxone cxone) throws Exception {
		cxone.acceptForeignTokens((bearer) -> {
			throw new IllegalStateException("the test's check failed");
		});
		HttpResponse<String> response = get(cxone, EmbeddedCxone.WHOAMI_PATH, "foreign");
		assertThat(response.statusCode()).isEqualTo(500);
		assertThat(response.body()).contains("the test's check failed");
		// Once: a connection closed without an answer made the JDK's client send it again.
		assertThat(cxone.apiRequestCount()).isEqualTo(1);
		assertThat(cxone.apiRequests()).singleElement()
			.satisfies((request) -> assertThat(request.status()).isEqualTo(500));
	}

	@Test
	void whenTheSummaryBodyHasTheWrongShapeThenTheAnswerIs400AndIsInTheJournal(EmbeddedCxone cxone) throws Exception {
		String token = accessToken(cxone);
		for (String body : new String[] { "null", "{\"interval\":{},\"groupBy\":[1]}",
				"{\"interval\":{},\"groupBy\":[null]}" }) {
			assertThat(summary(cxone, token, "application/json", body).statusCode()).as(body).isEqualTo(400);
		}
		assertThat(cxone.apiRequests()).extracting(RecordedRequest::status).containsExactly(400, 400, 400);
	}

	@Test
	void whenTheClientGivesUpBeforeTheAnswerThenTheJournalStillHasTheRequestWithStatus0(EmbeddedCxone cxone)
			throws Exception {
		String token = accessToken(cxone);
		cxone.apiDelay(Duration.ofMillis(800));
		HttpRequest request = HttpRequest.newBuilder(URI.create(cxone.baseUrl() + EmbeddedCxone.AGENTS_PATH))
			.timeout(Duration.ofMillis(200))
			.header("Accept", "application/json")
			.header("Authorization", "Bearer " + token)
			.build();
		try {
			this.http.send(request, HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException expected) {
			// the client timed out
		}
		Thread.sleep(1200);
		assertThat(cxone.apiRequestCount()).isEqualTo(1);
		assertThat(cxone.apiRequests()).singleElement()
			.satisfies((recorded) -> assertThat(recorded.status()).isZero());
	}

	@Test
	void whenASlowRequestArrivedFirstThenTheJournalListsItFirst(EmbeddedCxone cxone) throws Exception {
		cxone.tokenDelay(Duration.ofMillis(600));
		CompletableFuture<HttpResponse<String>> slow = this.http.sendAsync(HttpRequest.newBuilder(URI.create(cxone.tokenUri()))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.header("Authorization", basic(EmbeddedCxone.CLIENT_ID, EmbeddedCxone.CLIENT_SECRET))
			.POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"))
			.build(), HttpResponse.BodyHandlers.ofString());
		Thread.sleep(200);
		get(cxone, EmbeddedCxone.WHOAMI_PATH, "made-up");
		slow.join();
		// "every request received, oldest first"
		assertThat(cxone.requests()).extracting(RecordedRequest::path)
			.containsExactly(EmbeddedCxone.TOKEN_PATH, EmbeddedCxone.WHOAMI_PATH);
	}

	@Test
	void whenAFaultOrARefusalNamesAPathThatNoRequestCanHaveThenItIsRefusedAtOnce(EmbeddedCxone cxone) {
		// The request path never has a query, so these would silently never apply.
		assertThatIllegalArgumentException()
			.isThrownBy(() -> cxone.enqueueApiFaults(EmbeddedCxone.AGENTS_PATH + "?skip=0", 1, 429, null));
		assertThatIllegalArgumentException().isThrownBy(() -> cxone.refuseTokens("inContactAPI/agents", true));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> cxone.enqueueApiFaults("https://example.invalid/x", 1, InjectedFault.noResponse()));
	}

	@Test
	void whenScopesAreNotSeparatedBySingleSpacesThenTheAnswerIsInvalidScope(EmbeddedCxone cxone) throws Exception {
		cxone.allowScope("other");
		String basic = basic(EmbeddedCxone.CLIENT_ID, EmbeddedCxone.CLIENT_SECRET);
		// RFC 6749 section 3.3: scope-token *( SP scope-token )
		for (String scope : new String[] { "default%09other", "default%20%20other", "%20default", "default%0Aother" }) {
			assertThat(token(cxone, basic, "grant_type=client_credentials&scope=" + scope).statusCode()).as(scope)
				.isEqualTo(400);
		}
		assertThat(token(cxone, basic, "grant_type=client_credentials&scope=default%20other").statusCode())
			.isEqualTo(200);
	}

	@Test
	void whenResetThenTotalConnectionsCountsFromZero(EmbeddedCxone cxone) throws Exception {
		// A client of its own, whose connection no earlier test opened.
		HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create(cxone.baseUrl() + EmbeddedCxone.WHOAMI_PATH)).build(),
					HttpResponse.BodyHandlers.discarding());
		assertThat(cxone.totalConnections()).isPositive();
		cxone.reset();
		assertThat(cxone.totalConnections()).isZero();
	}

	@Test
	void whenADiscoveryDocumentIsNotReadWithGetThenTheAnswerIs405(EmbeddedCxone cxone) throws Exception {
		HttpResponse<String> post = send(HttpRequest
			.newBuilder(URI.create(cxone.baseUrl() + EmbeddedCxone.OPENID_CONFIGURATION_PATH))
			.POST(HttpRequest.BodyPublishers.ofString("")));
		assertThat(post.statusCode()).isEqualTo(405);
		assertThat(post.headers().firstValue("Allow")).hasValue("GET");
	}

	@Test
	void whenAnApiRequestDoesNotAcceptJsonThenCxoneCannotRenderIt(EmbeddedCxone cxone) throws Exception {
		String token = accessToken(cxone);
		// CXONE.md: without Accept: application/json CXone's API answers "No known way to
		// render data".
		HttpResponse<String> none = send(HttpRequest.newBuilder(URI.create(cxone.baseUrl() + EmbeddedCxone.SERVER_TIME_PATH))
			.header("Authorization", "Bearer " + token));
		assertThat(none.statusCode()).isEqualTo(406);
		assertThat(none.body()).contains("No known way to render data");
		HttpResponse<String> html = send(HttpRequest.newBuilder(URI.create(cxone.baseUrl() + EmbeddedCxone.AGENTS_PATH))
			.header("Accept", "text/html")
			.header("Authorization", "Bearer " + token));
		assertThat(html.statusCode()).isEqualTo(406);
		for (String accept : new String[] { "application/json", "application/json;q=0.9, text/plain;q=0.1",
				"Application/JSON", "application/*", "*/*" }) {
			assertThat(send(HttpRequest.newBuilder(URI.create(cxone.baseUrl() + EmbeddedCxone.AGENTS_PATH))
				.header("Accept", accept)
				.header("Authorization", "Bearer " + token)).statusCode()).as(accept).isEqualTo(200);
		}
		assertThat(send(HttpRequest.newBuilder(URI.create(cxone.baseUrl() + EmbeddedCxone.AGENTS_PATH))
			.header("Accept", "application/json;q=0")
			.header("Authorization", "Bearer " + token)).statusCode()).isEqualTo(406);
	}

	@Test
	void whenTheLifetimeIsNotWholeSecondsThenTheTokenDoesNotOutliveItsExpiresIn(EmbeddedCxone cxone)
			throws Exception {
		cxone.tokenLifetime(Duration.ofMillis(1900));
		Map<?, ?> token = json.readValue(token(cxone, basic(EmbeddedCxone.CLIENT_ID, EmbeddedCxone.CLIENT_SECRET),
				"grant_type=client_credentials").body(), Map.class);
		assertThat(token.get("expires_in")).isEqualTo(1);
		Thread.sleep(1300);
		// Told 1 s, the client must not get 0.9 s more.
		assertThat(get(cxone, EmbeddedCxone.WHOAMI_PATH, (String) token.get("access_token")).statusCode()).isEqualTo(401);
	}

	private HttpResponse<String> summary(EmbeddedCxone cxone, String token, String contentType, String body)
			throws IOException, InterruptedException {
		return send(HttpRequest.newBuilder(URI.create(cxone.baseUrl() + EmbeddedCxone.CONVERSATIONS_SUMMARY_PATH))
			.header("Accept", "application/json")
			.header("Authorization", "Bearer " + token)
			.header("Content-Type", contentType)
			.POST(HttpRequest.BodyPublishers.ofString(body)));
	}

}
