package io.github.cxonestarter.cxone.test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

import static io.github.cxonestarter.cxone.test.CxoneWire.basic;
import static io.github.cxonestarter.cxone.test.CxoneWire.get;
import static io.github.cxonestarter.cxone.test.CxoneWire.login;
import static io.github.cxonestarter.cxone.test.CxoneWire.loginBody;
import static io.github.cxonestarter.cxone.test.CxoneWire.send;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The access-key login of {@link EmbeddedCxone}: JSON in, JWTs out, and refused as CXone
 * would refuse it otherwise.
 */
@ExtendWith(EmbeddedCxoneExtension.class)
class AccessKeyLoginEndpointTests {

	private static final ObjectMapper json = JsonMapper.builder().build();

	@Test
	void whenTheAccessKeyIsRightThenTheAnswerCarriesJwtsWithTheTenantBusinessUnitAndCluster(EmbeddedCxone cxone)
			throws Exception {
		HttpResponse<String> answer = login(cxone, loginBody(EmbeddedCxone.ACCESS_KEY_ID, EmbeddedCxone.ACCESS_KEY_SECRET));
		assertThat(answer.statusCode()).isEqualTo(200);
		assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(
				(type) -> assertThat(type).startsWith("application/json"));
		Map<String, Object> token = json.readValue(answer.body(), new tools.jackson.core.type.TypeReference<Map<String, Object>>() {
		});
		assertThat(token).containsKeys("access_token", "refresh_token", "id_token")
			.containsEntry("token_type", "Bearer")
			.containsEntry("expires_in", 3600);
		for (String jwt : new String[] { (String) token.get("access_token"), (String) token.get("id_token") }) {
			JWTClaimsSet claims = JWTParser.parse(jwt).getJWTClaimsSet();
			assertThat(claims.getClaim("tenantId")).isEqualTo(EmbeddedCxone.TENANT_ID);
			assertThat(claims.getClaim("icBUId")).isEqualTo(EmbeddedCxone.BUSINESS_UNIT_ID);
			assertThat(claims.getClaim("icClusterId")).isEqualTo(EmbeddedCxone.CLUSTER_ID);
			assertThat(claims.getSubject()).contains(EmbeddedCxone.ACCESS_KEY_ID);
		}
		// The access token is one the API takes.
		assertThat(get(cxone, EmbeddedCxone.SERVER_TIME_PATH, (String) token.get("access_token")).statusCode())
			.isEqualTo(200);
	}

	@Test
	void whenTheSecretHasPlusSlashAndEqualsThenOnlyTheExactSecretLogsIn(EmbeddedCxone cxone) throws Exception {
		cxone.registerAccessKey("key+/=", "s+cr/t==\"\\é");
		assertThat(login(cxone, loginBody("key+/=", "s+cr/t==\"\\é")).statusCode()).isEqualTo(200);
		// The form-encoded or the space-for-plus secret is another secret.
		assertThat(login(cxone, loginBody("key+/=", "s%2Bcr%2Ft%3D%3D\"\\é")).statusCode()).isEqualTo(401);
		assertThat(login(cxone, loginBody("key+/=", "s cr/t==\"\\é")).statusCode()).isEqualTo(401);
	}

	@Test
	void whenTheAccessKeyIsWrongThenTheAnswerIs401(EmbeddedCxone cxone) throws Exception {
		int issued = cxone.issuedTokenCount();
		assertThat(login(cxone, loginBody(EmbeddedCxone.ACCESS_KEY_ID, "wrong")).statusCode()).isEqualTo(401);
		assertThat(login(cxone, loginBody("unknown-key", EmbeddedCxone.ACCESS_KEY_SECRET)).statusCode()).isEqualTo(401);
		assertThat(cxone.issuedTokenCount()).isEqualTo(issued);
	}

	@Test
	void whenTheBodyIsNotJsonThenTheAnswerIs415(EmbeddedCxone cxone) throws Exception {
		HttpResponse<String> form = send(HttpRequest.newBuilder(URI.create(cxone.accessKeyLoginUri()))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.header("Accept", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(
					"accessKeyId=" + EmbeddedCxone.ACCESS_KEY_ID + "&accessKeySecret=embedded%2Baccess%2Fkey%3D%3D")));
		assertThat(form.statusCode()).isEqualTo(415);
		HttpResponse<String> untyped = send(HttpRequest.newBuilder(URI.create(cxone.accessKeyLoginUri()))
			.header("Accept", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(
					loginBody(EmbeddedCxone.ACCESS_KEY_ID, EmbeddedCxone.ACCESS_KEY_SECRET))));
		assertThat(untyped.statusCode()).isEqualTo(415);
	}

	@Test
	void whenTheLoginBreaksTheWireFormatThenItIsRefused(EmbeddedCxone cxone) throws Exception {
		int issued = cxone.issuedTokenCount();
		String good = loginBody(EmbeddedCxone.ACCESS_KEY_ID, EmbeddedCxone.ACCESS_KEY_SECRET);
		// Without Accept: application/json, CXone has no way to render the answer.
		assertThat(send(HttpRequest.newBuilder(URI.create(cxone.accessKeyLoginUri()))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(good))).statusCode()).isEqualTo(406);
		assertThat(send(HttpRequest.newBuilder(URI.create(cxone.accessKeyLoginUri()))
			.header("Accept", "application/json")
			.GET()).statusCode()).isEqualTo(405);
		// No client authentication: a client secret sent here went where it should not.
		assertThat(send(HttpRequest.newBuilder(URI.create(cxone.accessKeyLoginUri()))
			.header("Content-Type", "application/json")
			.header("Accept", "application/json")
			.header("Authorization", basic(EmbeddedCxone.CLIENT_ID, EmbeddedCxone.CLIENT_SECRET))
			.POST(HttpRequest.BodyPublishers.ofString(good))).statusCode()).isEqualTo(400);
		// A field twice, a missing field, a number for a string, not an object, not JSON.
		String twice = "{\"accessKeyId\":\"" + EmbeddedCxone.ACCESS_KEY_ID + "\",\"accessKeySecret\":\"wrong\","
				+ "\"accessKeySecret\":\"embedded+access/key==\"}";
		for (String body : new String[] { twice, "{\"accessKeyId\":\"" + EmbeddedCxone.ACCESS_KEY_ID + "\"}",
				"{\"accessKeyId\":1,\"accessKeySecret\":\"embedded+access/key==\"}", "[]", "accessKeyId=x", "" }) {
			assertThat(login(cxone, body).statusCode()).as(body).isEqualTo(400);
		}
		assertThat(cxone.issuedTokenCount()).isEqualTo(issued);
		assertThat(login(cxone, good).statusCode()).isEqualTo(200);
	}

	@Test
	void whenTheBodyHasMoreAfterItsJsonObjectThenItIsRefused(EmbeddedCxone cxone) throws Exception {
		int issued = cxone.issuedTokenCount();
		String good = loginBody(EmbeddedCxone.ACCESS_KEY_ID, EmbeddedCxone.ACCESS_KEY_SECRET);
		// JSON.parse, System.Text.Json and Jackson's readValue refuse all of these: one JSON
		// text per body.
		for (String body : new String[] { good + "garbage", good + good, good + "}", good + ",[]" }) {
			assertThat(login(cxone, body).statusCode()).as(body).isEqualTo(400);
		}
		assertThat(cxone.issuedTokenCount()).isEqualTo(issued);
	}

	@Test
	void whenTokenFaultsAreQueuedThenTheLoginGetsThemToo(EmbeddedCxone cxone) throws Exception {
		cxone.enqueueTokenFaults(1, InjectedFault.status(429).retryAfter("2"));
		HttpResponse<String> limited = login(cxone,
				loginBody(EmbeddedCxone.ACCESS_KEY_ID, EmbeddedCxone.ACCESS_KEY_SECRET));
		assertThat(limited.statusCode()).isEqualTo(429);
		assertThat(limited.headers().firstValue("Retry-After")).hasValue("2");
		assertThat(cxone.tokenRequests()).extracting(RecordedRequest::path)
			.containsExactly(EmbeddedCxone.ACCESS_KEY_LOGIN_PATH);
	}

}
