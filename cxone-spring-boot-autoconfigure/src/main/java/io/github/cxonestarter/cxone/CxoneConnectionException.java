package io.github.cxonestarter.cxone;

import java.net.URI;

/**
 * No answer came from CXone: the connection could not be made (refused, timed out, a
 * host name that does not resolve, a proxy that refused the tunnel), broke, or the
 * answer did not come in time. The message names the host and port that were tried,
 * whether a proxy was on the way, and the fix. Its status is {@code 0}.
 *
 * @since 0.1.0
 * @see CxoneTlsException
 */
public class CxoneConnectionException extends CxoneApiException {

	private final URI uri;

	private final String proxy;

	private final Kind kind;

	private final boolean transientFailure;

	/**
	 * Create a new instance.
	 * @param message the message: what was tried, what failed and the fix
	 * @param uri the URL that was requested
	 * @param proxy the proxy on the way, as {@code host:port}, or {@code null} when the
	 * connection was direct
	 * @param kind what failed
	 * @param transientFailure whether the same request may succeed when tried again
	 * @param attempts how many attempts were made
	 * @param cause the transport's own exception
	 */
	public CxoneConnectionException(String message, URI uri, String proxy, Kind kind, boolean transientFailure,
			int attempts, Throwable cause) {
		super(message, 0, "", null, attempts, cause);
		this.uri = uri;
		this.proxy = proxy;
		this.kind = kind;
		this.transientFailure = transientFailure;
	}

	/**
	 * Return the URL that was requested.
	 * @return the URL
	 */
	public URI getUri() {
		return this.uri;
	}

	/**
	 * Return the host that was tried.
	 * @return the host
	 */
	public String getHost() {
		return this.uri.getHost();
	}

	/**
	 * Return the port that was tried: the URL's, or the scheme's default.
	 * @return the port
	 */
	public int getPort() {
		return port(this.uri);
	}

	/**
	 * Return the proxy the connection went through.
	 * @return the proxy as {@code host:port}, or {@code null} when it was direct
	 */
	public String getProxy() {
		return this.proxy;
	}

	/**
	 * Return whether the connection went through a proxy.
	 * @return whether a proxy was on the way
	 */
	public boolean isThroughProxy() {
		return this.proxy != null;
	}

	/**
	 * Return what failed.
	 * @return the kind of failure
	 */
	public Kind getKind() {
		return this.kind;
	}

	/**
	 * Return whether the same request may succeed when tried again: not after a
	 * certificate that is not trusted, or a proxy that refused the credentials.
	 * @return whether a retry can help
	 */
	public boolean isTransient() {
		return this.transientFailure;
	}

	/**
	 * Return whether the request may have reached the server: the connection was made
	 * and then broke, or the answer did not come in time. A connection that could not be
	 * made (refused, timed out, a name that does not resolve, a proxy that refused the
	 * tunnel, a failed TLS handshake) sent nothing.
	 * @return whether the server may have received the request
	 */
	public boolean mayHaveBeenSent() {
		return this.kind == Kind.RESPONSE_TIMEOUT || this.kind == Kind.CONNECTION_CLOSED;
	}

	/**
	 * Return the same failure, worded for a call that made the given attempts.
	 * @param message the new message
	 * @param attempts the attempts made
	 * @return the failure
	 */
	public CxoneConnectionException withMessage(String message, int attempts) {
		return new CxoneConnectionException(message, this.uri, this.proxy, this.kind, this.transientFailure, attempts,
				getCause());
	}

	/**
	 * Return the port a URL connects to: its own, or its scheme's default.
	 * @param uri the URL
	 * @return the port
	 */
	public static int port(URI uri) {
		if (uri.getPort() != -1) {
			return uri.getPort();
		}
		return "http".equalsIgnoreCase(uri.getScheme()) ? 80 : 443;
	}

	/**
	 * What failed.
	 */
	public enum Kind {

		/** The connection was not made within the connect timeout. */
		CONNECT_TIMEOUT,

		/** The connection was refused, or the host could not be reached. */
		CONNECTION_FAILED,

		/** The host name could not be resolved. */
		UNKNOWN_HOST,

		/** The proxy refused to open a tunnel to the host. */
		PROXY_REFUSED,

		/** The TLS handshake failed ({@link CxoneTlsException}). */
		TLS,

		/** The answer did not come within the response timeout. */
		RESPONSE_TIMEOUT,

		/** The connection closed before the answer came. */
		CONNECTION_CLOSED

	}

}
