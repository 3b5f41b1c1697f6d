package io.github.cxonestarter.cxone.test;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Requests to {@link EmbeddedCxone} as a plain HTTP client sends them, for the tests of the
 * stand-in itself.
 */
final class CxoneWire {

	private static final ObjectMapper json = JsonMapper.builder().build();

	private static final HttpClient http = HttpClient.newHttpClient();

	private CxoneWire() {
	}

	static String accessToken(EmbeddedCxone cxone) throws IOException, InterruptedException {
		return (String) json.readValue(validToken(cxone), Map.class).get("access_token");
	}

	static String validToken(EmbeddedCxone cxone) throws IOException, InterruptedException {
		return token(cxone, basic(EmbeddedCxone.CLIENT_ID, EmbeddedCxone.CLIENT_SECRET),
				"grant_type=client_credentials&scope=default").body();
	}

	static HttpResponse<String> token(EmbeddedCxone cxone, String authorization, String form)
			throws IOException, InterruptedException {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(cxone.tokenUri()))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString(form));
		if (authorization != null) {
			request.header("Authorization", authorization);
		}
		return send(request);
	}

	/**
	 * Send an access-key login as CXone's public integrations do: POST, JSON in, JSON
	 * accepted, no client authentication.
	 */
	static HttpResponse<String> login(EmbeddedCxone cxone, String body) throws IOException, InterruptedException {
		return send(HttpRequest.newBuilder(URI.create(cxone.accessKeyLoginUri()))
			.header("Content-Type", "application/json")
			.header("Accept", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body)));
	}

	static String loginBody(String accessKeyId, String accessKeySecret) {
		Map<String, String> body = new java.util.LinkedHashMap<>();
		body.put("accessKeyId", accessKeyId);
		body.put("accessKeySecret", accessKeySecret);
		return json.writeValueAsString(body);
	}

	static HttpResponse<String> get(EmbeddedCxone cxone, String path, String token)
			throws IOException, InterruptedException {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(cxone.baseUrl() + path))
			.header("Accept", "application/json")
			.GET();
		if (token != null) {
			request.header("Authorization", "Bearer " + token);
		}
		return send(request);
	}

	static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
		return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	/**
	 * Basic credentials as RFC 6749 section 2.3.1 says: each part form-encoded first.
	 */
	static String basic(String clientId, String secret) {
		return rawBasic(form(clientId), form(secret));
	}

	static String rawBasic(String clientId, String secret) {
		return "Basic " + Base64.getEncoder().encodeToString((clientId + ":" + secret).getBytes(StandardCharsets.UTF_8));
	}

	static String form(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

}
