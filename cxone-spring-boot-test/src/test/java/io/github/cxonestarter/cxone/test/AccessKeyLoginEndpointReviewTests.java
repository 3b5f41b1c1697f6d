package io.github.cxonestarter.cxone.test;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static io.github.cxonestarter.cxone.test.CxoneWire.login;
import static io.github.cxonestarter.cxone.test.CxoneWire.loginBody;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Review of the access-key login of {@link EmbeddedCxone}: bodies a JSON endpoint refuses.
 */
@ExtendWith(EmbeddedCxoneExtension.class)
class AccessKeyLoginEndpointReviewTests {

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

}
