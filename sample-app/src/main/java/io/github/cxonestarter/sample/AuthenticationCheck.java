package io.github.cxonestarter.sample;

import java.time.Duration;
import java.util.Map;

import io.github.cxonestarter.cxone.CxoneException;
import io.github.cxonestarter.cxone.CxoneWebClient;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.stereotype.Component;

/**
 * On start-up, checks the credentials with a "who am I" call, as the tutorial's complete
 * example does, and logs the identity or the cause and fix.
 *
 * @since 0.1.0
 */
@Component
class AuthenticationCheck {

	private static final Log logger = LogFactory.getLog(AuthenticationCheck.class);

	private final CxoneWebClient cxone;

	AuthenticationCheck(CxoneWebClient cxone) {
		this.cxone = cxone;
	}

	@EventListener(ApplicationReadyEvent.class)
	void checkAuthentication() {
		this.cxone.get()
			.uri(CxoneController.WHOAMI_PATH)
			.retrieve()
			.bodyToMono(new ParameterizedTypeReference<Map<String, Object>>() {
			})
			.timeout(Duration.ofSeconds(30))
			.subscribe((identity) -> logger.info("Authentication successful: id=" + identity.get("id") + ", name="
					+ identity.get("name") + ", scopes=" + identity.get("scopes")), (ex) -> logger
						.error("Authentication failed: " + ((ex instanceof CxoneException) ? ex.getMessage() : ex.toString())));
	}

}
