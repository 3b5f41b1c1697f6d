package io.github.cxonestarter.cxone.token;

import io.github.cxonestarter.cxone.CxoneTokenException;
import io.github.cxonestarter.cxone.CxoneTokenException.Reason;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link TokenEndpointErrors}.
 */
class TokenEndpointErrorsTests {

	private final TokenEndpointErrors errors = TokenEndpointErrors.forClientCredentials("https://acme/oauth2/token");

	@Test
	void whenTheGrantTypeIsUnsupportedThenTheErrorIsABadRequestThatNamesGrantAndScope() {
		CxoneTokenException ex = this.errors.fromResponse(400, "unsupported_grant_type", "Use client_credentials");
		assertThat(ex.getReason()).isEqualTo(Reason.BAD_REQUEST);
		assertThat(ex.isTransient()).isFalse();
		assertThat(ex.getMessage()).contains("400 unsupported_grant_type", "grant type or scope", "cxone.scopes");
	}

	@Test
	void whenTheGrantIsInvalidThenTheErrorIsNotTransient() {
		CxoneTokenException ex = this.errors.fromResponse(400, "invalid_grant", null);
		assertThat(ex.getReason()).isEqualTo(Reason.INVALID_GRANT);
		assertThat(ex.isTransient()).isFalse();
	}

	@Test
	void whenTheServerFailsThenTheErrorIsTransient() {
		assertThat(this.errors.fromResponse(502, null, null).getReason()).isEqualTo(Reason.SERVER_ERROR);
		assertThat(this.errors.fromResponse(429, null, null).isTransient()).isTrue();
	}

	@Test
	void whenA401HasNoBodyThenTheClientCredentialsAreBlamed() {
		CxoneTokenException ex = this.errors.fromResponse(401, null, null);
		assertThat(ex.getReason()).isEqualTo(Reason.INVALID_CLIENT);
		assertThat(ex.getMessage()).contains("case-sensitive", "Active");
	}

	@Test
	void whenTheAccessKeyLoginRefusesThenTheKeyIsBlamedAndAnyOther4xxPointsAtTheLoginEndpoint() {
		TokenEndpointErrors login = TokenEndpointErrors.forAccessKeyLogin("https://na1/login");
		for (int status : new int[] { 400, 401, 403 }) {
			CxoneTokenException ex = login.fromResponse(status, (status == 400) ? "invalid_grant" : null, null);
			assertThat(ex.getReason()).isEqualTo(Reason.ACCESS_KEY_REFUSED);
			assertThat(ex.isTransient()).isFalse();
			assertThat(ex.getMessage()).contains("wrong, revoked or inactive", "Admin > Employees",
					"CXONE_ACCESS_KEY_SECRET");
		}
		for (int status : new int[] { 404, 405, 415 }) {
			CxoneTokenException ex = login.fromResponse(status, null, null);
			assertThat(ex.getReason()).isEqualTo(Reason.BAD_REQUEST);
			assertThat(ex.getMessage()).contains("CXONE_TOKEN_URI", "/authentication/v1/token/access-key")
				.doesNotContain("scope");
		}
		assertThat(login.fromResponse(429, null, null).getReason()).isEqualTo(Reason.RATE_LIMITED);
		assertThat(login.fromResponse(503, null, null).getReason()).isEqualTo(Reason.SERVER_ERROR);
	}

	@Test
	void whenTheAnswerQuotesASecretBackThenEveryFormOfItIsRedactedBeforeTruncating() {
		String secret = "se+cr/et=\"q\\";
		TokenEndpointErrors redacting = TokenEndpointErrors.forAccessKeyLogin("https://acme/login").redacting(secret, null);
		String padding = "x".repeat(190);
		for (String form : new String[] { secret, "se+cr/et=\\\"q\\\\", "se%2Bcr%2Fet%3D%22q%5C" }) {
			CxoneTokenException ex = redacting.fromResponse(400, "bad " + form, padding + form + " tail");
			assertThat(ex.getReason()).isEqualTo(Reason.ACCESS_KEY_REFUSED);
			assertThat(ex.getMessage()).doesNotContain(form).doesNotContain("se+cr").doesNotContain("se%2B")
				.contains("bad [redacted]");
		}
		assertThat(redacting.fromResponse(400, null, "nothing secret").getMessage()).contains("(nothing secret)");
	}

}
