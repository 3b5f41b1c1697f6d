package io.github.cxonestarter.cxone.token;

import java.util.Map;

import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.client.OAuth2AuthorizationFailureHandler;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2AuthorizationException;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;

/**
 * Spring Security's blocking {@link OAuth2AuthorizedClientManager} for the starter's
 * registration, backed by the application's {@link CxoneTokenManager}: the same single
 * flight and the same token as {@code CxoneWebClient} and {@code CxoneRestClient}. Hand
 * it to Spring Security's {@code OAuth2ClientHttpRequestInterceptor} or
 * {@code OAuth2RestClientHttpServiceGroupConfigurer}, with
 * {@code @ClientRegistrationId("cxone")}. The token is the application's, whoever the
 * principal of the request is.
 * <p>
 * It is also the {@link OAuth2AuthorizationFailureHandler} to give that interceptor
 * ({@code setAuthorizationFailureHandler}): after a 401 it drops the token this thread was
 * given, only that one, and the next call gets a new one, shared with every client.
 * Spring Security's interceptor does not replay the refused request itself.
 *
 * @since 0.1.0
 */
public class BlockingAuthorizedClientManager implements OAuth2AuthorizedClientManager, OAuth2AuthorizationFailureHandler {

	private final BlockingTokens tokens;

	private final String registrationId;

	// Spring Security's interceptor authorizes, sends and reports a failure on the caller's
	// thread: what this thread was given is the token that a 401 refused.
	private final ThreadLocal<OAuth2AccessToken> given = new ThreadLocal<>();

	/**
	 * Create a new instance.
	 * @param tokens the blocking way to the application's token
	 * @param registrationId the registration ID it serves
	 */
	public BlockingAuthorizedClientManager(BlockingTokens tokens, String registrationId) {
		this.tokens = tokens;
		this.registrationId = registrationId;
	}

	@Override
	public OAuth2AuthorizedClient authorize(OAuth2AuthorizeRequest authorizeRequest) {
		String requested = authorizeRequest.getClientRegistrationId();
		if (!this.registrationId.equals(requested)) {
			throw new IllegalArgumentException("The CXone starter's OAuth2AuthorizedClientManager only authorizes the "
					+ "client registration '" + this.registrationId + "', not '" + requested + "'. Use "
					+ "@ClientRegistrationId(\"" + this.registrationId + "\"), or a manager of your own for other "
					+ "registrations.");
		}
		OAuth2AccessToken previous = this.given.get();
		if (previous != null) {
			// This thread's last call reported no failure: the API took that token, which confirms
			// a replacement as CxoneRestClient's calls do (Spring Security reports failures only).
			this.tokens.manager().accepted(previous);
		}
		OAuth2AuthorizedClient client = this.tokens.authorize();
		this.given.set(client.getAccessToken());
		return client;
	}

	@Override
	public void onAuthorizationFailure(OAuth2AuthorizationException authorizationException, Authentication principal,
			Map<String, Object> attributes) {
		OAuth2AccessToken refused = this.given.get();
		this.given.remove();
		if (refused == null || !OAuth2ErrorCodes.INVALID_TOKEN.equals(authorizationException.getError().getErrorCode())) {
			return;
		}
		// Dropped now, replaced by the next call: the failing call has its 401 already.
		this.tokens.manager().replaceRefused(refused).subscribe(null, (ex) -> {
			// The next call asks again, and reports what goes wrong.
		});
	}

	@Override
	public String toString() {
		return "BlockingAuthorizedClientManager[" + this.registrationId + "]";
	}

}
