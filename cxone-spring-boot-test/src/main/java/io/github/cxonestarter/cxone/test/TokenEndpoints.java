package io.github.cxonestarter.cxone.test;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.KeyLengthException;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * The token endpoints of {@link EmbeddedCxone}, as strict as an OAuth2 authorization
 * server: POST with a form body only, each parameter once, one client authentication
 * method, Basic credentials decoded as RFC 6749 section 2.3.1 says (Base64 of the
 * form-encoded ID and secret), then the client_credentials grant at
 * {@link EmbeddedCxone#TOKEN_PATH} and the access-key password grant at
 * {@link EmbeddedCxone#ACCESS_KEY_TOKEN_PATH}; and the access-key login at
 * {@link EmbeddedCxone#ACCESS_KEY_LOGIN_PATH}, JSON in, as strict in its own way.
 */
final class TokenEndpoints {

	private static final ObjectMapper json = JsonMapper.builder().build();

	/** Refuses a JSON body that names a field twice, rather than letting the last one win. */
	private static final ObjectMapper strictJson = JsonMapper.builder()
		.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
		.build();

	private static final String RAW_MARKER = "embedded-cxone-raw-expires-in";

	private static final String FORM = "application/x-www-form-urlencoded";

	private final Map<String, String> clients = new ConcurrentHashMap<>();

	private final Map<String, String> accessKeys = new ConcurrentHashMap<>();

	private final Set<String> allowedScopes = ConcurrentHashMap.newKeySet();

	private final IssuedTokens tokens;

	private final MACSigner signer;

	private volatile Duration tokenLifetime = Duration.ofHours(1);

	private volatile boolean includeExpiresIn = true;

	private volatile String rawExpiresIn;

	TokenEndpoints(IssuedTokens tokens) {
		this.tokens = tokens;
		registerDefaults();
		byte[] key = new byte[32];
		new SecureRandom().nextBytes(key);
		try {
			this.signer = new MACSigner(key);
		}
		catch (KeyLengthException ex) {
			throw new IllegalStateException(ex);
		}
	}

	void registerClient(String clientId, String clientSecret) {
		this.clients.put(clientId, clientSecret);
	}

	void registerAccessKey(String accessKeyId, String accessKeySecret) {
		this.accessKeys.put(accessKeyId, accessKeySecret);
	}

	void allowScope(String scope) {
		this.allowedScopes.add(scope);
	}

	void tokenLifetime(Duration lifetime) {
		this.tokenLifetime = lifetime;
	}

	void includeExpiresIn(boolean include) {
		this.includeExpiresIn = include;
	}

	void rawExpiresIn(String json) {
		this.rawExpiresIn = json;
	}

	private void registerDefaults() {
		this.clients.put(EmbeddedCxone.CLIENT_ID, EmbeddedCxone.CLIENT_SECRET);
		this.accessKeys.put(EmbeddedCxone.ACCESS_KEY_ID, EmbeddedCxone.ACCESS_KEY_SECRET);
		this.allowedScopes.add("default");
	}

	/**
	 * Forget the clients, access keys and scopes a test added, so that none of them lets a
	 * later test's client through, and restore the default options.
	 */
	void reset() {
		this.clients.clear();
		this.accessKeys.clear();
		this.allowedScopes.clear();
		registerDefaults();
		this.tokenLifetime = Duration.ofHours(1);
		this.includeExpiresIn = true;
		this.rawExpiresIn = null;
	}

	/**
	 * Answer a token request with a fault: a token response without a token for 200, an
	 * OAuth2 error otherwise.
	 */
	Answer fault(InjectedFault fault) {
		return fault.answer((fault.status() == 200) ? "{\"token\":\"not-an-access-token\"}"
				: "{\"error\":\"" + ((fault.status() == 429) ? "rate_limited" : "server_error") + "\"}", Map.of());
	}

	/**
	 * Answer a token request. The token's lifetime starts now, when the answer is sent.
	 * @param method the HTTP method
	 * @param path the token endpoint's path
	 * @param contentType the request's {@code Content-Type}
	 * @param authorizations the request's {@code Authorization} headers
	 * @param body the request body
	 * @param issuer the issuer, this server's base URL
	 * @return the answer
	 */
	Answer answer(String method, String path, String contentType, List<String> authorizations, String body,
			String issuer) {
		if (!"POST".equals(method)) {
			return error(405, "invalid_request", "The token endpoint takes POST");
		}
		if (contentType == null || !FORM.equals(mediaType(contentType))) {
			return error(400, "invalid_request", "The token request must be " + FORM);
		}
		if (authorizations.size() > 1) {
			return error(400, "invalid_request", "Authorization is sent more than once");
		}
		String authorization = authorizations.isEmpty() ? null : authorizations.get(0);
		Map<String, String> form = parseForm(body);
		if (form == null) {
			return error(400, "invalid_request", "A parameter is malformed or sent more than once");
		}
		Credentials credentials;
		try {
			credentials = clientCredentials(authorization, form);
		}
		catch (IllegalArgumentException ex) {
			return error(400, "invalid_request", ex.getMessage());
		}
		if (credentials == null || !credentials.secret().equals(this.clients.get(credentials.id()))) {
			return invalidClient("Client authentication failed");
		}
		if (EmbeddedCxone.ACCESS_KEY_TOKEN_PATH.equals(path) && !isBasic(authorization)) {
			// The OpenID configuration names client_secret_basic only, as CXone's does.
			return invalidClient("This token endpoint takes client_secret_basic only");
		}
		if (EmbeddedCxone.ACCESS_KEY_TOKEN_PATH.equals(path)) {
			return passwordGrant(form, credentials.id(), issuer);
		}
		if (!"client_credentials".equals(form.get("grant_type"))) {
			return error(400, "unsupported_grant_type", "Use grant_type=client_credentials");
		}
		Set<String> scopes = new LinkedHashSet<>();
		String scope = form.get("scope");
		if (scope != null && !scope.isEmpty()) {
			// RFC 6749 section 3.3: scope-token *( SP scope-token ), each token NQCHARs; no
			// tabs, line breaks, doubled or leading spaces.
			List<String> requested = Arrays.asList(scope.split(" ", -1));
			if (!requested.stream().allMatch(TokenEndpoints::isScopeToken)) {
				return error(400, "invalid_scope", "Scopes are separated by single spaces");
			}
			scopes.addAll(requested);
			if (!this.allowedScopes.containsAll(scopes)) {
				return error(400, "invalid_scope", "A requested scope is not granted to this client");
			}
		}
		String value = "cxone-" + UUID.randomUUID();
		Duration lifetime = wholeSeconds(this.tokenLifetime);
		this.tokens.issue(value, Instant.now().plus(lifetime), scopes);
		Map<String, Object> token = new LinkedHashMap<>();
		token.put("access_token", value);
		token.put("token_type", "Bearer");
		if (this.includeExpiresIn) {
			token.put("expires_in", lifetime.toSeconds());
		}
		token.put("scope", String.join(" ", scopes));
		return tokenAnswer(token);
	}

	private static Answer invalidClient(String description) {
		return new Answer(401, Map.of("WWW-Authenticate", "Basic realm=\"embedded-cxone\""), "application/json",
				errorBody("invalid_client", description), InjectedFault.Delivery.ANSWER);
	}

	private static boolean isBasic(String authorization) {
		return authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6);
	}

	/**
	 * The lifetime the client is told in {@code expires_in}, whole seconds, is the one the
	 * token has: a token never outlives what the server said.
	 */
	private static Duration wholeSeconds(Duration lifetime) {
		return Duration.ofSeconds(lifetime.toSeconds());
	}

	private static boolean isScopeToken(String token) {
		return !token.isEmpty()
				&& token.chars().allMatch((c) -> c == 0x21 || (c >= 0x23 && c <= 0x5B) || (c >= 0x5D && c <= 0x7E));
	}

	private Answer passwordGrant(Map<String, String> form, String clientId, String issuer) {
		if (!"password".equals(form.get("grant_type"))) {
			return error(400, "unsupported_grant_type", "Use grant_type=password with an access key");
		}
		String accessKeyId = form.get("username");
		String secret = form.get("password");
		if (accessKeyId == null || secret == null || !secret.equals(this.accessKeys.get(accessKeyId))) {
			return error(401, "invalid_grant", "The access key is invalid or revoked");
		}
		return accessKeyTokens(accessKeyId, clientId, issuer);
	}

	/**
	 * Answer the access-key login: {@code POST} with a JSON body
	 * {@code {"accessKeyId": "...", "accessKeySecret": "..."}}, no client authentication,
	 * and an {@code Accept} that admits JSON.
	 * @param method the HTTP method
	 * @param contentType the request's {@code Content-Type}
	 * @param accept the request's {@code Accept}
	 * @param authorizations the request's {@code Authorization} headers
	 * @param body the request body
	 * @param issuer the issuer, this server's base URL
	 * @return the answer
	 */
	Answer login(String method, String contentType, String accept, List<String> authorizations, String body,
			String issuer) {
		if (!"POST".equals(method)) {
			return new Answer(405, Map.of("Allow", "POST"), "application/json",
					errorBody("method_not_allowed", "The access-key login takes POST"), InjectedFault.Delivery.ANSWER);
		}
		if (contentType == null || !"application/json".equals(mediaType(contentType))) {
			return error(415, "unsupported_media_type", "The access-key login takes an application/json body");
		}
		if (!ApiRoutes.acceptsJson(accept)) {
			return ApiRoutes.notAcceptable();
		}
		if (!authorizations.isEmpty()) {
			// The access key is the only credential: a client secret sent here went where it
			// should not.
			return error(400, "invalid_request", "The access-key login takes no Authorization header");
		}
		JsonNode request;
		try {
			request = strictJson.readTree(body);
		}
		catch (JacksonException ex) {
			return error(400, "invalid_request", "The body is not JSON, or names a field twice");
		}
		if (request == null || !request.isObject() || request.size() != 2 || !request.path("accessKeyId").isString()
				|| !request.path("accessKeySecret").isString()) {
			return error(400, "invalid_request", "The body must be {\"accessKeyId\": \"...\", \"accessKeySecret\": \"...\"}");
		}
		String accessKeyId = request.get("accessKeyId").asString();
		String secret = request.get("accessKeySecret").asString();
		if (!secret.equals(this.accessKeys.get(accessKeyId))) {
			return error(401, "invalid_access_key", "The access key is wrong, revoked or inactive");
		}
		return accessKeyTokens(accessKeyId, null, issuer);
	}

	/**
	 * Issue the tokens of the access-key flows: JWTs carrying the tenant, business unit and
	 * cluster, with a refresh token and an ID token, as CXone does.
	 */
	private Answer accessKeyTokens(String accessKeyId, String audience, String issuer) {
		Duration lifetime = wholeSeconds(this.tokenLifetime);
		Instant now = Instant.now();
		String accessToken = jwt(identity(accessKeyId, audience, issuer, now, lifetime)
			.jwtID(UUID.randomUUID().toString())
			.build());
		String idToken = jwt(identity(accessKeyId, audience, issuer, now, lifetime).build());
		this.tokens.issue(accessToken, now.plus(lifetime), Set.of());
		Map<String, Object> token = new LinkedHashMap<>();
		token.put("access_token", accessToken);
		token.put("token_type", "Bearer");
		if (this.includeExpiresIn) {
			token.put("expires_in", lifetime.toSeconds());
		}
		token.put("refresh_token", UUID.randomUUID().toString());
		token.put("id_token", idToken);
		return tokenAnswer(token);
	}

	private static JWTClaimsSet.Builder identity(String accessKeyId, String audience, String issuer, Instant now,
			Duration lifetime) {
		JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().subject("user:" + accessKeyId)
			.issuer(issuer)
			.claim("tenantId", EmbeddedCxone.TENANT_ID)
			.claim("icBUId", EmbeddedCxone.BUSINESS_UNIT_ID)
			.claim("icClusterId", EmbeddedCxone.CLUSTER_ID)
			.claim("name", "Embedded CXone API User")
			.claim("given_name", "Embedded")
			.claim("family_name", "API User")
			.issueTime(Date.from(now))
			.expirationTime(Date.from(now.plus(lifetime)));
		return (audience != null) ? claims.audience(audience) : claims;
	}

	private Answer tokenAnswer(Map<String, Object> token) {
		String raw = this.rawExpiresIn;
		if (raw != null) {
			token.put("expires_in", RAW_MARKER);
		}
		String body = json.writeValueAsString(token);
		if (raw != null) {
			body = body.replace("\"" + RAW_MARKER + "\"", raw);
		}
		return Answer.json(200, Map.of("Cache-Control", "no-store"), body);
	}

	private String jwt(JWTClaimsSet claims) {
		SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
		try {
			jwt.sign(this.signer);
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
		return jwt.serialize();
	}

	/**
	 * Return the client's credentials, from the Basic header (RFC 6749 section 2.3.1: the
	 * ID and the secret are each form-encoded, joined by a colon, then Base64-encoded) or
	 * from the body, or {@code null} when they are missing or cannot be decoded.
	 * @throws IllegalArgumentException when the client uses more than one method
	 */
	private static Credentials clientCredentials(String authorization, Map<String, String> form) {
		if (isBasic(authorization)) {
			if (form.containsKey("client_secret")) {
				throw new IllegalArgumentException("Use one client authentication method, not Basic and the body");
			}
			String decoded;
			try {
				decoded = new String(Base64.getDecoder().decode(authorization.substring(6)), StandardCharsets.UTF_8);
			}
			catch (IllegalArgumentException ex) {
				return null;
			}
			int colon = decoded.indexOf(':');
			if (colon < 0) {
				return null;
			}
			String id = formDecode(decoded.substring(0, colon));
			String secret = formDecode(decoded.substring(colon + 1));
			if (id == null || secret == null) {
				return null;
			}
			if (form.containsKey("client_id") && !form.get("client_id").equals(id)) {
				throw new IllegalArgumentException("The client_id in the body is not the one in the Basic header");
			}
			return new Credentials(id, secret);
		}
		if (form.containsKey("client_id") && form.containsKey("client_secret")) {
			return new Credentials(form.get("client_id"), form.get("client_secret"));
		}
		return null;
	}

	/**
	 * Parse a form body, or return {@code null} when a parameter is malformed or appears
	 * more than once (RFC 6749 section 3.2).
	 */
	private static Map<String, String> parseForm(String body) {
		Map<String, String> form = new LinkedHashMap<>();
		for (String pair : body.split("&")) {
			if (pair.isEmpty()) {
				continue;
			}
			int equals = pair.indexOf('=');
			String name = formDecode((equals < 0) ? pair : pair.substring(0, equals));
			String value = (equals < 0) ? "" : formDecode(pair.substring(equals + 1));
			if (name == null || value == null || form.putIfAbsent(name, value) != null) {
				return null;
			}
		}
		return form;
	}

	/**
	 * Decode as {@code application/x-www-form-urlencoded} does: {@code +} is a space and
	 * {@code %XX} a byte of UTF-8. Return {@code null} for a malformed escape.
	 */
	private static String formDecode(String value) {
		try {
			return URLDecoder.decode(value, StandardCharsets.UTF_8);
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

	/**
	 * Return the media type of a {@code Content-Type}, without its parameters, in lower case.
	 */
	static String mediaType(String contentType) {
		int semicolon = contentType.indexOf(';');
		return ((semicolon < 0) ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
	}

	static Answer error(int status, String code, String description) {
		return Answer.json(status, errorBody(code, description));
	}

	private static String errorBody(String code, String description) {
		Map<String, String> error = new LinkedHashMap<>();
		error.put("error", code);
		error.put("error_description", description);
		return json.writeValueAsString(error);
	}

	private record Credentials(String id, String secret) {

		@Override
		public String toString() {
			return "Credentials[" + this.id + "]";
		}

	}

}
