package io.github.cxonestarter.cxone;

/**
 * CXone refused a request with 401 even with a freshly fetched token.
 *
 * @since 0.1.0
 */
public class CxoneAuthenticationException extends CxoneException {

	public CxoneAuthenticationException(String message) {
		super(message);
	}

}
