package io.github.cxonestarter.cxone;

/**
 * A request through {@code CxoneWebClient} was aimed at a host other than the CXone API's:
 * it is refused before it leaves, so that the CXone token is never sent elsewhere.
 *
 * @since 0.1.0
 */
public class CxoneForeignHostException extends CxoneException {

	public CxoneForeignHostException(String message) {
		super(message);
	}

}
