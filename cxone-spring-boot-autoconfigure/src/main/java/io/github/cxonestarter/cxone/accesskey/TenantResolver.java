package io.github.cxonestarter.cxone.accesskey;

import java.text.ParseException;
import java.util.function.Consumer;

import com.nimbusds.jwt.JWTParser;

import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;

/**
 * Reads the {@code tenantId} claim that CXone puts in its tokens: from the
 * {@code id_token} of the last token response when there is one, else from the access
 * token. The claims are read without checking the signature: the token came straight from
 * the token endpoint over TLS, and only the tenant's (public) API host is looked up with it.
 *
 * @since 0.1.0
 */
public class TenantResolver implements Consumer<OAuth2AccessTokenResponse> {

	private static final String TENANT_ID = "tenantId";

	private volatile String idTokenTenant;

	@Override
	public void accept(OAuth2AccessTokenResponse response) {
		Object idToken = response.getAdditionalParameters().get("id_token");
		String tenant = (idToken instanceof String jwt) ? tenantId(jwt) : null;
		if (tenant != null) {
			this.idTokenTenant = tenant;
		}
	}

	/**
	 * Return the tenant of the given access token.
	 * @param accessToken the access token
	 * @return the tenant ID, or {@code null} when neither token carries one
	 */
	public String tenantId(OAuth2AccessToken accessToken) {
		String fromIdToken = this.idTokenTenant;
		return (fromIdToken != null) ? fromIdToken : tenantId(accessToken.getTokenValue());
	}

	static String tenantId(String jwt) {
		try {
			Object claim = JWTParser.parse(jwt).getJWTClaimsSet().getClaim(TENANT_ID);
			return (claim != null) ? claim.toString() : null;
		}
		catch (ParseException ex) {
			return null;
		}
	}

}
