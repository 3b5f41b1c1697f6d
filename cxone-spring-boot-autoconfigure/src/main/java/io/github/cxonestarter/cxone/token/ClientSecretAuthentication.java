package io.github.cxonestarter.cxone.token;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import org.springframework.http.HttpHeaders;
import org.springframework.security.oauth2.client.endpoint.AbstractOAuth2AuthorizationGrantRequest;
import org.springframework.security.oauth2.client.endpoint.AbstractWebClientReactiveOAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.DefaultOAuth2TokenRequestHeadersConverter;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;

/**
 * Authenticates token requests with the client secret, which is held here rather than in
 * the {@code ClientRegistration}: Spring Security's {@code ClientRegistration.toString()}
 * prints the secret, so the registration only carries {@link #PLACEHOLDER}.
 *
 * @since 0.1.0
 */
public final class ClientSecretAuthentication {

	/**
	 * What the client registration holds instead of the secret.
	 */
	public static final String PLACEHOLDER = "[protected]";

	private final String clientId;

	private final String clientSecret;

	private final boolean basic;

	/**
	 * Create a new instance.
	 * @param clientId the client ID
	 * @param clientSecret the client secret
	 * @param basic {@code true} for HTTP Basic, {@code false} for the secret in the form
	 * body
	 */
	public ClientSecretAuthentication(String clientId, String clientSecret, boolean basic) {
		this.clientId = clientId;
		this.clientSecret = clientSecret;
		this.basic = basic;
	}

	/**
	 * Make the given Spring Security token response client send the real secret.
	 * @param <T> the type of grant request
	 * @param client the client
	 */
	public <T extends AbstractOAuth2AuthorizationGrantRequest> void applyTo(
			AbstractWebClientReactiveOAuth2AccessTokenResponseClient<T> client) {
		DefaultOAuth2TokenRequestHeadersConverter<T> defaults = new DefaultOAuth2TokenRequestHeadersConverter<>();
		client.setHeadersConverter((grantRequest) -> {
			HttpHeaders headers = defaults.convert(grantRequest);
			if (this.basic) {
				// RFC 6749 2.3.1: form-encode both before Base64, as Spring Security does.
				headers.setBasicAuth(encode(this.clientId), encode(this.clientSecret));
			}
			return headers;
		});
		client.setParametersCustomizer((parameters) -> {
			if (!this.basic) {
				parameters.set(OAuth2ParameterNames.CLIENT_SECRET, this.clientSecret);
			}
		});
	}

	private static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

	@Override
	public String toString() {
		return "ClientSecretAuthentication[clientId=" + this.clientId + ", secret=" + PLACEHOLDER + "]";
	}

}
