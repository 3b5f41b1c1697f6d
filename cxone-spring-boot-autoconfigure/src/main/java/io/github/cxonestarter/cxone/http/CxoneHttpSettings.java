package io.github.cxonestarter.cxone.http;

import java.time.Duration;

import org.springframework.boot.ssl.SslBundle;

/**
 * The connection settings of every client the starter builds, whatever its HTTP
 * library: as Boot's {@code HttpClientSettings} is one set of settings for every client
 * Boot supports. Redirects are never followed: a token request that followed one would
 * send the credentials to another host.
 *
 * @param connectTimeout the connect timeout
 * @param responseTimeout the response timeout
 * @param proxy the outbound proxy, or {@code null} to connect directly
 * @param sslBundleName the name of the SSL bundle, or {@code null}
 * @param sslBundle the SSL bundle whose trust (and key) material is used, or
 * {@code null} for the JVM's defaults
 * @since 0.1.0
 */
public record CxoneHttpSettings(Duration connectTimeout, Duration responseTimeout, CxoneProxy proxy,
		String sslBundleName, SslBundle sslBundle) {

	/**
	 * Return whether a connection to the given host goes through the proxy.
	 * @param host the host connected to
	 * @return whether a proxy is used
	 */
	public boolean proxied(String host) {
		return this.proxy != null && this.proxy.isUsedFor(host);
	}

}
