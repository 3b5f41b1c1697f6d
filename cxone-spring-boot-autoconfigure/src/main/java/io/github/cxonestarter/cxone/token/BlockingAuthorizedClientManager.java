package io.github.cxonestarter.cxone.token;

import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientManager;

/**
 * Spring Security's blocking {@link OAuth2AuthorizedClientManager} for the starter's
 * registration, backed by the application's {@link CxoneTokenManager}: the same single
 * flight and the same token as {@code CxoneWebClient} and {@code CxoneRestClient}. Hand
 * it to Spring Security's {@code OAuth2ClientHttpRequestInterceptor} or
 * {@code OAuth2RestClientHttpServiceGroupConfigurer}, with
 * {@code @ClientRegistrationId("cxone")}. The token is the application's, whoever the
 * principal of the request is.
 *
 * @since 0.1.0
 */
public class BlockingAuthorizedClientManager implements OAuth2AuthorizedClientManager {

	private final BlockingTokens tokens;

	private final String registrationId;

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
		return this.tokens.authorize();
	}

	@Override
	public String toString() {
		return "BlockingAuthorizedClientManager[" + this.registrationId + "]";
	}

}
