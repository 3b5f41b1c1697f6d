package io.github.cxonestarter.cxone.autoconfigure;

import java.time.Duration;

import io.github.cxonestarter.cxone.test.EmbeddedCxone;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * Two embedded CXones for the tests of several tenants, {@code east} and {@code west},
 * each accepting only the tokens it issued itself: started for the class, reset before
 * each test.
 */
abstract class TwoCxones {

	static final Duration TIMEOUT = Duration.ofSeconds(30);

	static EmbeddedCxone east;

	static EmbeddedCxone west;

	@BeforeAll
	static void startCxones() {
		east = EmbeddedCxone.start();
		west = EmbeddedCxone.start();
	}

	@AfterAll
	static void stopCxones() {
		east.close();
		west.close();
	}

	@BeforeEach
	void resetCxones() {
		east.reset();
		west.reset();
	}

	/**
	 * Return the validation failure among a start-up failure's causes.
	 */
	static InvalidCxonePropertiesException findCause(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof InvalidCxonePropertiesException invalid) {
				return invalid;
			}
		}
		throw new AssertionError("no InvalidCxonePropertiesException in " + failure);
	}

}
