package io.github.cxonestarter.cxone.token;

import java.time.Duration;

/**
 * Told what {@link CxoneTokenManager} does, so that metrics can count it.
 *
 * @since 0.1.0
 */
public interface TokenEventListener {

	/** A listener that ignores everything. */
	TokenEventListener NONE = new TokenEventListener() {
	};

	/**
	 * A new token was issued.
	 * @param latency how long the token request took, retries included
	 */
	default void tokenIssued(Duration latency) {
	}

	/**
	 * A token request failed after its retries.
	 * @param latency how long it took
	 * @param error the failure
	 */
	default void tokenFailed(Duration latency, Throwable error) {
	}

	/** A renewal ahead of expiry started. */
	default void renewalStarted() {
	}

	/** A token the API refused was dropped. */
	default void tokenEvicted() {
	}

}
