package io.github.cxonestarter.cxone.accesskey;

import java.time.Clock;
import java.time.Duration;

import reactor.core.publisher.Mono;

import org.springframework.security.oauth2.client.OAuth2AuthorizationContext;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientProvider;
import org.springframework.security.oauth2.client.endpoint.ReactiveOAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2AccessToken;

/**
 * A Spring Security {@link ReactiveOAuth2AuthorizedClientProvider} for CXone's access-key
 * flows: the password grant of a registered application, and the access-key login with
 * the key alone ({@link AccessKeyGrantRequest}). Like Spring Security's client_credentials provider it re-authorizes
 * when the token is absent or within the clock skew of its expiry, by repeating the grant:
 * back-end clients do not use CXone's refresh tokens. It plugs into Spring Security's
 * client manager, so single flight, refresh-ahead and replay after 401 apply unchanged.
 *
 * @since 0.1.0
 */
public class AccessKeyAuthorizedClientProvider implements ReactiveOAuth2AuthorizedClientProvider {

	private final ReactiveOAuth2AccessTokenResponseClient<AccessKeyGrantRequest> responseClient;

	private final Duration clockSkew;

	private final Clock clock;

	public AccessKeyAuthorizedClientProvider(ReactiveOAuth2AccessTokenResponseClient<AccessKeyGrantRequest> responseClient,
			Duration clockSkew, Clock clock) {
		this.responseClient = responseClient;
		this.clockSkew = clockSkew;
		this.clock = clock;
	}

	@Override
	public Mono<OAuth2AuthorizedClient> authorize(OAuth2AuthorizationContext context) {
		ClientRegistration registration = context.getClientRegistration();
		AuthorizationGrantType grantType = registration.getAuthorizationGrantType();
		if (!AccessKeyGrantRequest.PASSWORD.equals(grantType) && !AccessKeyGrantRequest.ACCESS_KEY_LOGIN.equals(grantType)) {
			return Mono.empty();
		}
		OAuth2AuthorizedClient authorized = context.getAuthorizedClient();
		if (authorized != null && !hasExpired(authorized.getAccessToken())) {
			return Mono.empty();
		}
		return this.responseClient.getTokenResponse(new AccessKeyGrantRequest(registration))
			.map((response) -> new OAuth2AuthorizedClient(registration, context.getPrincipal().getName(),
					response.getAccessToken(), response.getRefreshToken()));
	}

	private boolean hasExpired(OAuth2AccessToken token) {
		return token.getExpiresAt() != null
				&& !this.clock.instant().isBefore(token.getExpiresAt().minus(this.clockSkew));
	}

}
