package io.github.cxonestarter.cxone.accesskey;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import java.util.function.Function;

import io.github.cxonestarter.cxone.token.CxoneTokenResponseExtractor;
import reactor.core.publisher.Mono;

import org.springframework.http.MediaType;
import org.springframework.security.oauth2.client.endpoint.ReactiveOAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Sends CXone's access-key token request: {@code POST} to the discovered token endpoint,
 * form-encoded {@code grant_type=password&username={accessKeyId}&password={accessKeySecret}}
 * (so a secret ending in {@code =} arrives intact), the registered application
 * authenticated with HTTP Basic. The answer is read by {@link CxoneTokenResponseExtractor},
 * as for client_credentials.
 *
 * @since 0.1.0
 */
public class AccessKeyTokenResponseClient implements ReactiveOAuth2AccessTokenResponseClient<AccessKeyGrantRequest> {

	private final WebClient webClient;

	private final CxoneDiscovery discovery;

	private final String clientId;

	private final String clientSecret;

	private final String accessKeyId;

	private final String accessKeySecret;

	private final Function<URI, CxoneTokenResponseExtractor> extractors;

	private final Consumer<OAuth2AccessTokenResponse> onResponse;

	/**
	 * Create a new instance.
	 * @param webClient the client for the token endpoint (HTTP/1.1)
	 * @param discovery where the token endpoint comes from
	 * @param credentials the application's client ID and secret, and the access key
	 * @param extractors reads the answer of the given token endpoint
	 * @param onResponse told about every token response, to read its {@code id_token}
	 */
	public AccessKeyTokenResponseClient(WebClient webClient, CxoneDiscovery discovery, AccessKeyCredentials credentials,
			Function<URI, CxoneTokenResponseExtractor> extractors, Consumer<OAuth2AccessTokenResponse> onResponse) {
		this.webClient = webClient;
		this.discovery = discovery;
		this.clientId = credentials.clientId();
		this.clientSecret = credentials.clientSecret();
		this.accessKeyId = credentials.accessKeyId();
		this.accessKeySecret = credentials.accessKeySecret();
		this.extractors = extractors;
		this.onResponse = onResponse;
	}

	@Override
	public Mono<OAuth2AccessTokenResponse> getTokenResponse(AccessKeyGrantRequest grantRequest) {
		return this.discovery.tokenEndpoint().flatMap((tokenUri) -> {
			MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
			form.add("grant_type", AccessKeyGrantRequest.PASSWORD.getValue());
			form.add("username", this.accessKeyId);
			form.add("password", this.accessKeySecret);
			return this.webClient.post()
				.uri(tokenUri)
				.headers((headers) -> headers.setBasicAuth(encode(this.clientId), encode(this.clientSecret)))
				.contentType(MediaType.APPLICATION_FORM_URLENCODED)
				.accept(MediaType.APPLICATION_JSON)
				.body(BodyInserters.fromFormData(form))
				.exchangeToMono((response) -> response.body(this.extractors.apply(tokenUri)));
		}).doOnNext(this.onResponse);
	}

	private static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

	@Override
	public String toString() {
		return "AccessKeyTokenResponseClient[clientId=" + this.clientId + ", accessKeyId=" + this.accessKeyId + "]";
	}

}
