package io.github.cxonestarter.cxone;

/**
 * A blocking CXone call (through {@link CxoneRestClient}, or the blocking
 * {@code OAuth2AuthorizedClientManager}) was made where it may not block: on a Reactor
 * non-blocking thread, such as a WebFlux event loop. Use {@link CxoneWebClient} there, or
 * move the call to a thread that may block. It is also raised when the waiting thread
 * was interrupted.
 *
 * @since 0.1.0
 */
public class CxoneBlockingCallException extends CxoneException {

	public CxoneBlockingCallException(String message) {
		super(message);
	}

	public CxoneBlockingCallException(String message, Throwable cause) {
		super(message, cause);
	}

}
