package io.github.cxonestarter.cxone;

import java.util.concurrent.TimeoutException;

import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.timeout.ReadTimeoutException;

/**
 * What the starter's error messages say about a transport failure: whether it was a
 * timeout, and its root cause in a few words.
 *
 * @since 0.1.0
 */
public final class CxoneFailures {

	private CxoneFailures() {
	}

	/**
	 * Return whether the failure, or one of its causes, is a connect, read or response
	 * timeout.
	 * @param failure the failure
	 * @return whether it timed out
	 */
	public static boolean isTimeout(Throwable failure) {
		return find(failure, TimeoutException.class) != null || find(failure, ReadTimeoutException.class) != null
				|| find(failure, ConnectTimeoutException.class) != null;
	}

	/**
	 * Return the failure itself or the first of its causes that is of the given type.
	 * @param <T> the type
	 * @param failure the failure
	 * @param type the type to look for
	 * @return the failure or cause of that type, or {@code null}
	 * @since 0.1.0
	 */
	public static <T> T find(Throwable failure, Class<T> type) {
		for (Throwable candidate = failure; candidate != null; candidate = candidate.getCause()) {
			if (type.isInstance(candidate)) {
				return type.cast(candidate);
			}
			if (candidate.getCause() == candidate) {
				break;
			}
		}
		return null;
	}

	/**
	 * Return the root cause's type and message, like
	 * {@code ConnectException: Connection refused}.
	 * @param failure the failure
	 * @return the description
	 */
	public static String rootCause(Throwable failure) {
		Throwable root = failure;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		return root.getClass().getSimpleName() + ((root.getMessage() != null) ? ": " + root.getMessage() : "");
	}

}
