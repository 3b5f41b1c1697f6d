package io.github.cxonestarter.cxone;

import java.net.URI;

/**
 * The TLS handshake with CXone failed: its certificate is not trusted (a TLS-inspecting
 * proxy, a corporate CA), is not issued for the host name in the URL, or the handshake
 * broke. The message says which and points at {@code cxone.http.ssl.bundle}.
 *
 * @since 0.1.0
 */
public class CxoneTlsException extends CxoneConnectionException {

	private final Problem problem;

	/**
	 * Create a new instance.
	 * @param message the message: what was tried, what failed and the fix
	 * @param uri the URL that was requested
	 * @param proxy the proxy on the way, as {@code host:port}, or {@code null}
	 * @param problem what was wrong
	 * @param attempts how many attempts were made
	 * @param cause the TLS implementation's own exception
	 */
	public CxoneTlsException(String message, URI uri, String proxy, Problem problem, int attempts, Throwable cause) {
		super(message, uri, proxy, Kind.TLS, problem == Problem.HANDSHAKE_FAILED, attempts, cause);
		this.problem = problem;
	}

	/**
	 * Return what was wrong.
	 * @return the problem
	 */
	public Problem getProblem() {
		return this.problem;
	}

	@Override
	public CxoneTlsException withMessage(String message, int attempts) {
		return new CxoneTlsException(message, getUri(), getProxy(), this.problem, attempts, getCause());
	}

	/**
	 * What was wrong with the TLS handshake.
	 */
	public enum Problem {

		/** The certificate was not issued by a CA that is trusted. */
		UNTRUSTED_CERTIFICATE,

		/** The certificate was not issued for the host name in the URL. */
		HOST_NAME_MISMATCH,

		/** The handshake failed otherwise (a protocol error, a broken connection). */
		HANDSHAKE_FAILED

	}

}
