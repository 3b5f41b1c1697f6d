package io.github.cxonestarter.cxone.accesskey;

import org.springframework.security.oauth2.client.endpoint.AbstractOAuth2AuthorizationGrantRequest;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.AuthorizationGrantType;

/**
 * A token request made with a CXone access key: the password grant of a registered
 * application ({@link #PASSWORD}; Spring Security 7 no longer has a password grant of its
 * own), or the access-key login with the key alone ({@link #ACCESS_KEY_LOGIN}). The grant
 * type is the registration's.
 *
 * @since 0.1.0
 */
public class AccessKeyGrantRequest extends AbstractOAuth2AuthorizationGrantRequest {

	/**
	 * The password grant type.
	 */
	public static final AuthorizationGrantType PASSWORD = new AuthorizationGrantType("password");

	/**
	 * CXone's access-key login. It is not an OAuth2 grant, and it never goes on the wire:
	 * it marks the registration so that {@link AccessKeyAuthorizedClientProvider} serves it.
	 */
	public static final AuthorizationGrantType ACCESS_KEY_LOGIN = new AuthorizationGrantType("urn:cxone:access-key");

	public AccessKeyGrantRequest(ClientRegistration clientRegistration) {
		super(clientRegistration.getAuthorizationGrantType(), clientRegistration);
	}

}
