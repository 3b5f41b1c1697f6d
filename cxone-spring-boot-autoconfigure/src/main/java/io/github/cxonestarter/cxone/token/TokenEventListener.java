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

	/**
	 * Return a listener that tells all the given ones.
	 * @param listeners the listeners
	 * @return the composite listener
	 */
	static TokenEventListener composite(java.util.List<TokenEventListener> listeners) {
		if (listeners.isEmpty()) {
			return NONE;
		}
		if (listeners.size() == 1) {
			return listeners.get(0);
		}
		java.util.List<TokenEventListener> all = java.util.List.copyOf(listeners);
		return new TokenEventListener() {

			@Override
			public void tokenIssued(Duration latency) {
				all.forEach((listener) -> listener.tokenIssued(latency));
			}

			@Override
			public void tokenFailed(Duration latency, Throwable error) {
				all.forEach((listener) -> listener.tokenFailed(latency, error));
			}

			@Override
			public void renewalStarted() {
				all.forEach(TokenEventListener::renewalStarted);
			}

			@Override
			public void tokenEvicted() {
				all.forEach(TokenEventListener::tokenEvicted);
			}

		};
	}

}
