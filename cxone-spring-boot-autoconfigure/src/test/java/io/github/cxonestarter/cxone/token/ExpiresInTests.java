package io.github.cxonestarter.cxone.token;

import java.time.Duration;

import io.github.cxonestarter.cxone.CxoneTestContexts;
import io.github.cxonestarter.cxone.CxoneWebClient;
import io.github.cxonestarter.cxone.test.EmbeddedCxone;
import io.github.cxonestarter.cxone.test.EmbeddedCxoneExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.security.oauth2.core.OAuth2AccessToken;

import static io.github.cxonestarter.cxone.CxoneTestContexts.whoami;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A token response's {@code expires_in}, in every JSON shape a token endpoint may send,
 * gives the token the lifetime it says, or the default lifetime with one WARN; never a
 * one-second token and never an exception.
 */
@ExtendWith({ EmbeddedCxoneExtension.class, OutputCaptureExtension.class })
class ExpiresInTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static final String WARNING = "which is not a lifetime in seconds";

	private EmbeddedCxone cxone;

	@BeforeEach
	void useCxone(EmbeddedCxone cxone) {
		this.cxone = cxone;
	}

	@ParameterizedTest(name = "expires_in {0} -> {1}s")
	@CsvSource(delimiter = '|', value = { "3600|3600|false", "'\"3600\"'|3600|false", "3600.0|3600|false",
			"1e3|1000|false", "'\"1e3\"'|1000|false", "2700.9|2700|false", "0|1800|true", "-5|1800|true",
			"0.5|1800|true", "1000000000000000000|1800|true", "1e300|1800|true", "'\"soon\"'|1800|true",
			"null|1800|false", "'\"\"'|1800|false", "'{}'|1800|true" })
	void whenExpiresInHasAnyShapeThenTheTokenLivesWhatItSaysOrTheDefault(String json, long seconds, boolean warned,
			CapturedOutput output) {
		cxone.expiresIn(json);
		CxoneTestContexts.runner(cxone).withPropertyValues("cxone.token.default-lifetime=1800s").run((context) -> {
			assertThat(context).hasNotFailed();
			CxoneWebClient client = context.getBean(CxoneWebClient.class);
			for (int i = 0; i < 20; i++) {
				assertThat(whoami(client).block(TIMEOUT)).contains("Embedded CXone API Key");
			}
			assertThat(cxone.tokenRequestCount()).isEqualTo(1);
			OAuth2AccessToken token = context.getBean(CxoneTokenManager.class).peek();
			assertThat(Duration.between(token.getIssuedAt(), token.getExpiresAt())).hasSeconds(seconds);
			// A second token from the same endpoint: still one WARN at most.
			cxone.revokeAllTokens();
			assertThat(whoami(client).block(TIMEOUT)).contains("Embedded CXone API Key");
			assertThat(cxone.tokenRequestCount()).isEqualTo(2);
		});
		int warnings = output.getAll().split(WARNING, -1).length - 1;
		assertThat(warnings).isEqualTo(warned ? 1 : 0);
	}

}
