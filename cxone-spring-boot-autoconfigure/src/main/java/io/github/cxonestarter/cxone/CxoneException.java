package io.github.cxonestarter.cxone;

/**
 * Base class of the errors that the CXone starter raises. Every message names the cause
 * and the fix, and never carries a client secret or a token.
 *
 * @since 0.1.0
 */
public abstract class CxoneException extends RuntimeException {

	protected CxoneException(String message) {
		super(message);
	}

	protected CxoneException(String message, Throwable cause) {
		super(message, cause);
	}

}
