package io.github.cxonestarter.sample;

import java.net.URI;
import java.text.ParseException;
import java.util.LinkedHashMap;
import java.util.Map;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import io.github.cxonestarter.cxone.CxoneAccessTokenProvider;
import io.github.cxonestarter.cxone.accesskey.ApiEndpointFilter;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Conditional;
import org.springframework.stereotype.Component;

/**
 * Answers "who am I" for the sample's {@code /whoami} and its start-up check, in the way
 * the login in use allows. With an API key (client-credentials) it is the tutorial's
 * {@code GET /platform/v1/whoami}. With an access key no API host is known to serve that
 * path, so the answer is built from what a real tenant gives: the identity claims of the
 * access token, the API host in use, and {@code GET .../server-time} as proof that a call
 * with the token gets through. The token itself is never part of the answer.
 *
 * @since 0.1.0
 */
@Component
@Conditional(OnSingleTenant.class)
class CxoneIdentity {

	static final String WHOAMI_PATH = "/platform/v1/whoami";

	static final String SERVER_TIME_PATH = "/inContactAPI/services/v23.0/server-time";

	/** The claims of CXone's access-key tokens that say who and where the caller is. */
	private static final String[] IDENTITY_CLAIMS = { "sub", "tenantId", "icBUId", "icClusterId", "name", "given_name",
			"family_name" };

	private final CxoneApi cxone;

	private final CxoneAccessTokenProvider tokens;

	/** The API host of the access-key mode; {@code null} in client-credentials mode. */
	private final ApiEndpointFilter apiEndpoint;

	CxoneIdentity(CxoneApi cxone, CxoneAccessTokenProvider tokens, ObjectProvider<ApiEndpointFilter> apiEndpoint) {
		this.cxone = cxone;
		this.tokens = tokens;
		// The starter defines this bean in access-key mode only (either access-key flow),
		// so its presence is the mode, and it is what gives the API host in use.
		this.apiEndpoint = apiEndpoint.getIfAvailable();
	}

	/**
	 * Return the identity of the caller.
	 * @return the identity, as JSON-ready values
	 */
	Mono<Map<String, Object>> identity() {
		return (this.apiEndpoint != null) ? fromAccessToken() : fromWhoami();
	}

	/**
	 * Return a one-line summary of an identity that {@link #identity()} gave, for the log.
	 * @param identity the identity
	 * @return the summary
	 */
	String summary(Map<String, Object> identity) {
		if (this.apiEndpoint != null) {
			return "sub=" + identity.get("sub") + ", tenantId=" + identity.get("tenantId") + ", API host="
					+ identity.get("apiHost");
		}
		return "id=" + identity.get("id") + ", name=" + identity.get("name") + ", scopes=" + identity.get("scopes");
	}

	private Mono<Map<String, Object>> fromWhoami() {
		return this.cxone.whoami();
	}

	private Mono<Map<String, Object>> fromAccessToken() {
		Mono<Map<String, Object>> claims = this.tokens.getAccessToken().map((token) -> claims(token.getTokenValue()));
		Mono<URI> apiHost = this.apiEndpoint.apiEndpoint();
		Mono<Map<String, Object>> serverTime = this.cxone.serverTime();
		return Mono.zip(claims, apiHost, serverTime).map((answers) -> {
			Map<String, Object> identity = new LinkedHashMap<>(answers.getT1());
			identity.put("apiHost", answers.getT2().toString());
			identity.put("ServerTime", answers.getT3().get("ServerTime"));
			return identity;
		});
	}

	private static Map<String, Object> claims(String accessToken) {
		Map<String, Object> claims = new LinkedHashMap<>();
		try {
			// The signature is not checked: the token came straight from CXone's token
			// endpoint over TLS, and its claims are only displayed, never trusted for a
			// decision.
			JWTClaimsSet set = JWTParser.parse(accessToken).getJWTClaimsSet();
			if (set == null) {
				// An encrypted JWT: its claims cannot be read without the key.
				return claims;
			}
			for (String name : IDENTITY_CLAIMS) {
				Object value = set.getClaim(name);
				if (value != null) {
					claims.put(name, value);
				}
			}
		}
		catch (ParseException ex) {
			// Not a JWT: there are no claims to show; the API host and the server time still are.
		}
		return claims;
	}

}
