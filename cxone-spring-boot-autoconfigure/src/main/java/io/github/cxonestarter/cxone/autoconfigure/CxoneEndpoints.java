package io.github.cxonestarter.cxone.autoconfigure;

import java.net.URI;

/**
 * The validated endpoints the starter talks to, and the way it logs in.
 *
 * @param flow how the starter gets its tokens
 * @param baseUrl the base URL of the CXone API, or {@code null} when it is discovered
 * @param tokenUri the token endpoint, or {@code null} when it is discovered
 * @param issuer the issuer, in access-key mode; {@code null} otherwise
 * @since 0.1.0
 */
public record CxoneEndpoints(Flow flow, URI baseUrl, URI tokenUri, URI issuer) {

	/**
	 * Return one line that names the flow in use and where it sends its requests, for the
	 * start-up log. It names no credential.
	 * @return the description
	 */
	public String describe() {
		String api = (this.baseUrl != null) ? "API at " + this.baseUrl
				: "API host discovered from " + this.issuer + " with the token's tenantId";
		String token = (this.tokenUri != null) ? this.tokenUri.toString()
				: "the token endpoint discovered from " + this.issuer;
		return "CXone login: " + this.flow.description + " at " + token + "; " + api + ".";
	}

	/**
	 * How the starter gets its tokens.
	 */
	public enum Flow {

		/**
		 * OAuth2 client_credentials with an API key's client ID and secret
		 * ({@code cxone.auth-mode=client-credentials}).
		 */
		CLIENT_CREDENTIALS("client_credentials grant of an API key (cxone.auth-mode=client-credentials)"),

		/**
		 * The password grant of an application registered with NICE, with an access key
		 * ({@code cxone.auth-mode=access-key} with a client ID and secret).
		 */
		PASSWORD_GRANT("password grant of an application registered with NICE, with an access key "
				+ "(cxone.auth-mode=access-key, cxone.client-id set)"),

		/**
		 * CXone's access-key login, with the access key alone and no registered application
		 * ({@code cxone.auth-mode=access-key} without a client ID or secret).
		 */
		ACCESS_KEY_LOGIN("access-key login with the access key alone, no registered application "
				+ "(cxone.auth-mode=access-key, no cxone.client-id)");

		private final String description;

		Flow(String description) {
			this.description = description;
		}

	}

}
