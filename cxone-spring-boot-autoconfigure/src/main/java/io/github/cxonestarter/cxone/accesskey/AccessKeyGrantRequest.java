package io.github.cxonestarter.cxone.accesskey;

import org.springframework.security.oauth2.client.endpoint.AbstractOAuth2AuthorizationGrantRequest;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.AuthorizationGrantType;

/**
 * A password grant request made with a CXone access key. Spring Security 7 no longer has a
 * password grant of its own.
 *
 * @since 0.1.0
 */
public class AccessKeyGrantRequest extends AbstractOAuth2AuthorizationGrantRequest {

	/**
	 * The password grant type.
	 */
	public static final AuthorizationGrantType PASSWORD = new AuthorizationGrantType("password");

	public AccessKeyGrantRequest(ClientRegistration clientRegistration) {
		super(PASSWORD, clientRegistration);
	}

}
