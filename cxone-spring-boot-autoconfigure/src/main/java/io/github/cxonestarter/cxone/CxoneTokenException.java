package io.github.cxonestarter.cxone;

import java.time.Duration;

/**
 * A token could not be obtained from the CXone token endpoint.
 * {@link #getReason()} tells why, and whether trying again can help.
 *
 * @since 0.1.0
 */
public class CxoneTokenException extends CxoneException {

	private final Reason reason;

	private final int status;

	private final String tokenUri;

	private final Duration retryAfter;

	public CxoneTokenException(Reason reason, int status, String tokenUri, String message) {
		this(reason, status, tokenUri, message, null);
	}

	public CxoneTokenException(Reason reason, int status, String tokenUri, String message, Throwable cause) {
		this(reason, status, tokenUri, null, message, cause);
	}

	/**
	 * Create a new instance for an answer that asked to wait before trying again.
	 * @param reason why the token request failed
	 * @param status the HTTP status, or {@code 0}
	 * @param tokenUri the token endpoint
	 * @param retryAfter the wait its {@code Retry-After} asked for, or {@code null}
	 * @param message the message
	 * @param cause the cause, or {@code null}
	 * @since 0.1.0
	 */
	public CxoneTokenException(Reason reason, int status, String tokenUri, Duration retryAfter, String message,
			Throwable cause) {
		super(message, cause);
		this.reason = reason;
		this.status = status;
		this.tokenUri = tokenUri;
		this.retryAfter = retryAfter;
	}

	/**
	 * Return why the token request failed.
	 * @return the reason
	 */
	public Reason getReason() {
		return this.reason;
	}

	/**
	 * Return the HTTP status the token endpoint answered with, or {@code 0} when it gave no
	 * answer.
	 * @return the HTTP status or {@code 0}
	 */
	public int getStatus() {
		return this.status;
	}

	/**
	 * Return the token endpoint that was called.
	 * @return the token URI
	 */
	public String getTokenUri() {
		return this.tokenUri;
	}

	/**
	 * Return how long the token endpoint asked to wait before the next request, with its
	 * {@code Retry-After} header.
	 * @return the wait, or {@code null} when it did not ask
	 */
	public Duration getRetryAfter() {
		return this.retryAfter;
	}

	/**
	 * Return whether the same request may succeed later (the server failed, or could not
	 * be reached), as opposed to a request the server refused.
	 * @return whether a retry can help
	 */
	public boolean isTransient() {
		return this.reason.isTransient();
	}

	/**
	 * Why a token request failed.
	 */
	public enum Reason {

		/** The client ID or secret was refused ({@code invalid_client}). */
		INVALID_CLIENT(false),

		/** The grant was refused ({@code invalid_grant}): for access keys, a wrong or revoked key. */
		INVALID_GRANT(false),

		/**
		 * CXone's access-key login refused the access key (400, 401 or 403): it is wrong,
		 * revoked or inactive.
		 * @since 0.1.0
		 */
		ACCESS_KEY_REFUSED(false),

		/** A requested scope was refused ({@code invalid_scope}). */
		INVALID_SCOPE(false),

		/** The grant type or another request parameter was refused. */
		BAD_REQUEST(false),

		/** The token endpoint answered 429. */
		RATE_LIMITED(true),

		/** The token endpoint answered with a server error (5xx). */
		SERVER_ERROR(true),

		/** The token endpoint could not be reached. */
		UNREACHABLE(true),

		/**
		 * The TLS handshake with the token endpoint failed on its certificate: not
		 * trusted, or not issued for its host name (see {@code cxone.http.ssl.bundle}).
		 * @since 0.1.0
		 */
		TLS_FAILURE(false),

		/**
		 * The outbound proxy refused to open a tunnel to the token endpoint: it refused
		 * the credentials or the host (see {@code cxone.http.proxy.*}).
		 * @since 0.1.0
		 */
		PROXY_REFUSED(false),

		/** The token endpoint did not answer in time. */
		TIMEOUT(true),

		/** The token endpoint answered with something that is not a usable token response. */
		MALFORMED_RESPONSE(false);

		private final boolean transientFailure;

		Reason(boolean transientFailure) {
			this.transientFailure = transientFailure;
		}

		boolean isTransient() {
			return this.transientFailure;
		}

	}

}
