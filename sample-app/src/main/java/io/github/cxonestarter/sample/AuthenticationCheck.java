package io.github.cxonestarter.sample;

import java.time.Duration;

import io.github.cxonestarter.cxone.CxoneException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * On start-up, checks the credentials with a "who am I" call, as the tutorial's complete
 * example does (in access-key mode, what {@link CxoneIdentity} gives instead), and logs the
 * identity or the cause and fix.
 *
 * @since 0.1.0
 */
@Component
@Conditional(OnSingleTenant.class)
class AuthenticationCheck {

	private static final Log logger = LogFactory.getLog(AuthenticationCheck.class);

	private final CxoneIdentity identity;

	AuthenticationCheck(CxoneIdentity identity) {
		this.identity = identity;
	}

	@EventListener(ApplicationReadyEvent.class)
	void checkAuthentication() {
		this.identity.identity()
			.timeout(Duration.ofSeconds(30))
			.subscribe((found) -> logger.info("Authentication successful: " + this.identity.summary(found)),
					(ex) -> logger.error(
							"Authentication failed: " + ((ex instanceof CxoneException) ? ex.getMessage() : ex.toString())));
	}

}
