package io.github.cxonestarter.cxone.accesskey;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import io.github.cxonestarter.cxone.CxoneTestContexts;
import io.github.cxonestarter.cxone.CxoneTokenException;
import io.github.cxonestarter.cxone.test.EmbeddedCxone;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The redaction of secrets from what a token endpoint answers: forms of the
 * secret other than the three that are looked for, the expires_in warning, and a secret
 * that happens to be part of the error code.
 */
@ExtendWith(OutputCaptureExtension.class)
class SecretRedactionTests {

	private static final String SECRET = "Echo+Canary/Secret==7Qx";

	private static EmbeddedCxone cxone;

	@BeforeAll
	static void start() {
		cxone = EmbeddedCxone.start();
	}

	@AfterAll
	static void stop() {
		cxone.close();
	}

	@BeforeEach
	void reset() {
		cxone.reset();
	}

	private static ApplicationContextRunner login(String loginUri, String secret) {
		return CxoneTestContexts.runner()
			.withPropertyValues("cxone.auth-mode=access-key", "cxone.issuer=" + cxone.baseUrl(),
					"cxone.base-url=" + cxone.baseUrl(), "cxone.token-uri=" + loginUri, "cxone.access-key-id=key",
					"cxone.access-key-secret=" + secret, "cxone.token.initial-backoff=20ms");
	}

	/**
	 * A login endpoint that quotes the request back re-serialized the way .NET's
	 * System.Text.Json does by default: {@code +} and other HTML-sensitive characters as
	 * {@code \\uXXXX}.
	 */
	private static DisposableServer dotNetStyleEchoingServer() {
		return HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.handle((request, response) -> request.receive()
				.aggregate()
				.asString(StandardCharsets.UTF_8)
				.defaultIfEmpty("{}")
				.flatMap((body) -> {
					JsonNode sent = JsonMapper.shared().readTree(body);
					String quoted = "{\"accessKeyId\":\"" + sent.path("accessKeyId").asString() + "\",\"accessKeySecret\":\""
							+ dotNetEscape(sent.path("accessKeySecret").asString()) + "\"}";
					return response.status(400)
						.header("Content-Type", "application/json")
						.sendString(Mono.just(JsonMapper.shared()
							.writeValueAsString(Map.of("error", "invalid_request", "error_description",
									"The request " + quoted + " is invalid"))))
						.then();
				}))
			.bindNow();
	}

	private static String dotNetEscape(String text) {
		StringBuilder escaped = new StringBuilder();
		for (char c : text.toCharArray()) {
			if ("+<>&'\"".indexOf(c) >= 0 || c > 0x7E) {
				escaped.append(String.format("\\u%04X", (int) c));
			}
			else {
				escaped.append(c);
			}
		}
		return escaped.toString();
	}

	@Test
	void whenTheLoginEndpointQuotesTheSecretUnicodeEscapedThenNoMessageOrLogCarriesIt(CapturedOutput output) {
		DisposableServer echo = dotNetStyleEchoingServer();
		try {
			String loginUri = "http://127.0.0.1:" + echo.port() + EmbeddedCxone.ACCESS_KEY_LOGIN_PATH;
			login(loginUri, SECRET).run((context) -> {
				assertThat(context).hasFailed();
				// "Echo\u002BCanary/Secret==7Qx" is the secret to anyone who reads it.
				assertThat(CxoneTestContexts.messages(context.getStartupFailure())).contains("400", "[redacted]")
					.doesNotContain("Canary/Secret");
			});
		}
		finally {
			echo.disposeNow();
		}
		assertThat(output.getAll()).doesNotContain("Canary/Secret");
	}

	@Test
	void whenTheLoginAnswerQuotesTheSecretAsItsExpiresInThenTheWarningDoesNotCarryIt(CapturedOutput output) {
		String answer = JsonMapper.shared()
			.writeValueAsString(Map.of("access_token", "opaque-token", "token_type", "Bearer", "expires_in", SECRET));
		DisposableServer login = HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.handle((request, response) -> request.receive()
				.then(response.status(200).header("Content-Type", "application/json").sendString(Mono.just(answer)).then()))
			.bindNow();
		try {
			login("http://127.0.0.1:" + login.port() + "/login", SECRET).run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(output.getAll()).contains("expires_in");
			});
		}
		finally {
			login.disposeNow();
		}
		assertThat(output.getAll()).doesNotContain(SECRET);
	}

	@Test
	void whenAShortSecretIsPartOfTheErrorCodeThenTheRefusalIsStillReadAsARefusedKey() {
		// A wrong access key secret that is one letter of "invalid_grant": the code is read as
		// the server sent it, only what is shown is redacted.
		CxoneTestContexts.runner()
			.withPropertyValues("cxone.auth-mode=access-key", "cxone.issuer=" + cxone.baseUrl(),
					"cxone.client-id=" + EmbeddedCxone.CLIENT_ID, "cxone.client-secret=" + EmbeddedCxone.CLIENT_SECRET,
					"cxone.access-key-id=" + EmbeddedCxone.ACCESS_KEY_ID, "cxone.access-key-secret=a",
					"cxone.token.initial-backoff=20ms")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).isInstanceOfSatisfying(CxoneTokenException.class,
						(ex) -> assertThat(ex.getReason()).isEqualTo(CxoneTokenException.Reason.INVALID_GRANT));
			});
	}

}
