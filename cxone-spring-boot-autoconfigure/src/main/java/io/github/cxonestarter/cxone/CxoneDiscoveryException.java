package io.github.cxonestarter.cxone;

/**
 * A CXone discovery document (the issuer's OpenID configuration, or the tenant's
 * {@code cxone-configuration}) could not be read or was not usable.
 *
 * @since 0.1.0
 */
public class CxoneDiscoveryException extends CxoneException {

	private final String url;

	public CxoneDiscoveryException(String url, String message, Throwable cause) {
		super(message, cause);
		this.url = url;
	}

	/**
	 * Return the discovery URL that failed.
	 * @return the URL
	 */
	public String getUrl() {
		return this.url;
	}

}
