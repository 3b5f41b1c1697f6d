package io.github.cxonestarter.cxone.accesskey;

import java.net.URI;
import java.util.function.Consumer;

import io.github.cxonestarter.cxone.token.CxoneTokenResponseExtractor;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.MediaType;
import org.springframework.security.oauth2.client.endpoint.ReactiveOAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Sends CXone's access-key login, the way in for an access key with no registered
 * application: {@code POST} to the login endpoint with
 * {@code {"accessKeyId": "...", "accessKeySecret": "..."}} as {@code application/json},
 * accepting JSON, with no client authentication. The answer is read by
 * {@link CxoneTokenResponseExtractor}, as for the other flows.
 * <p>
 * The body is written once, by Jackson, into bytes: a secret with {@code +}, {@code /},
 * {@code =}, quotes or backslashes arrives as it is, every attempt sends the same bytes,
 * and Spring's codecs log only the byte count (its JSON encoder would log the value,
 * secret included, at DEBUG). The JSON mapper is the starter's own, not the application's:
 * a naming strategy of the application's must not rename CXone's fields.
 *
 * @since 0.1.0
 */
public class AccessKeyLoginClient implements ReactiveOAuth2AccessTokenResponseClient<AccessKeyGrantRequest> {

	/**
	 * CXone's access-key login endpoint, the one NICE's UserHub getting-started page
	 * names. Regional hosts ({@code au1}, {@code eu1}) are set with {@code cxone.token-uri}.
	 */
	public static final URI DEFAULT_ENDPOINT = URI
		.create("https://na1.nice-incontact.com/authentication/v1/token/access-key");

	private final WebClient webClient;

	private final URI endpoint;

	private final String accessKeyId;

	private final byte[] body;

	private final CxoneTokenResponseExtractor extractor;

	private final Consumer<OAuth2AccessTokenResponse> onResponse;

	/**
	 * Create a new instance.
	 * @param webClient the client for the login endpoint (HTTP/1.1)
	 * @param endpoint the login endpoint
	 * @param accessKeyId the access key ID
	 * @param accessKeySecret the access key secret
	 * @param extractor reads the answer
	 * @param onResponse told about every token response, to read its {@code id_token}
	 */
	public AccessKeyLoginClient(WebClient webClient, URI endpoint, String accessKeyId, String accessKeySecret,
			CxoneTokenResponseExtractor extractor, Consumer<OAuth2AccessTokenResponse> onResponse) {
		this.webClient = webClient;
		this.endpoint = endpoint;
		this.accessKeyId = accessKeyId;
		this.body = JsonMapper.shared()
			.writeValueAsBytes(JsonMapper.shared()
				.createObjectNode()
				.put("accessKeyId", accessKeyId)
				.put("accessKeySecret", accessKeySecret));
		this.extractor = extractor;
		this.onResponse = onResponse;
	}

	@Override
	public Mono<OAuth2AccessTokenResponse> getTokenResponse(AccessKeyGrantRequest grantRequest) {
		return this.webClient.post()
			.uri(this.endpoint)
			.contentType(MediaType.APPLICATION_JSON)
			.accept(MediaType.APPLICATION_JSON)
			.bodyValue(this.body)
			.exchangeToMono((response) -> response.body(this.extractor))
			.doOnNext(this.onResponse);
	}

	@Override
	public String toString() {
		return "AccessKeyLoginClient[endpoint=" + this.endpoint + ", accessKeyId=" + this.accessKeyId + "]";
	}

}
