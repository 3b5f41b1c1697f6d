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

}
