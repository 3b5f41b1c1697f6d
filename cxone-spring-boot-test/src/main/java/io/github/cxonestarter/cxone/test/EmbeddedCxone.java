package io.github.cxonestarter.cxone.test;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Collections;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.KeyLengthException;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.netty.handler.codec.http.QueryStringDecoder;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * A CXone stand-in on a loopback port, close enough to CXone's protocol to test against:
 * the client_credentials token endpoint (Basic or body client authentication, real OAuth2
 * error answers), bearer validation (expired, revoked and unknown tokens get 401), a few
 * API endpoints, fault injection and a journal of every request.
 * <pre class="code">
 * try (EmbeddedCxone cxone = EmbeddedCxone.start()) {
 *     // cxone.base-url = cxone.baseUrl(), cxone.client-id = EmbeddedCxone.CLIENT_ID, ...
 *     cxone.enqueueApiFaults(2, 429, "2");
 *     assertThat(cxone.tokenRequestCount()).isEqualTo(1);
 * }
 * </pre>
 *
 * @since 0.1.0
 */
public final class EmbeddedCxone implements AutoCloseable {

	/** Client ID the embedded CXone accepts unless told otherwise. */
	public static final String CLIENT_ID = "embedded-client";

	/** Client secret the embedded CXone accepts unless told otherwise. */
	public static final String CLIENT_SECRET = "embedded-secret";

	/** Path of the token endpoint. */
	public static final String TOKEN_PATH = "/oauth2/token";

	/** Path of the access-key (password grant) token endpoint, as the OpenID configuration gives it. */
	public static final String ACCESS_KEY_TOKEN_PATH = "/auth/token";

	/** Path of the issuer's OpenID configuration. */
	public static final String OPENID_CONFIGURATION_PATH = "/.well-known/openid-configuration";

	/** Path of the tenant's CXone configuration. */
	public static final String CXONE_CONFIGURATION_PATH = "/.well-known/cxone-configuration";

	/** Access key ID the embedded CXone accepts unless told otherwise. */
	public static final String ACCESS_KEY_ID = "embedded-access-key";

	/** Access key secret the embedded CXone accepts; it ends in {@code =}, as real ones often do. */
	public static final String ACCESS_KEY_SECRET = "embedded+access/key==";

	/** Tenant ID carried by the tokens of the access-key flow. */
	public static final String TENANT_ID = "11eb0000-embedded-tenant";

	/** Path of the "who am I" endpoint. */
	public static final String WHOAMI_PATH = "/platform/v1/whoami";

	/** Path of the analytics conversations summary query. */
	public static final String CONVERSATIONS_SUMMARY_PATH = "/analytics/v1/conversations/summary";

	/** Path of the agents list. */
	public static final String AGENTS_PATH = "/inContactAPI/services/v23.0/agents";

	/** Path of the server time. */
	public static final String SERVER_TIME_PATH = "/inContactAPI/services/v23.0/server-time";

	/** Prefix of paths that answer with what they received, for tests. */
	public static final String ECHO_PREFIX = "/test/echo";

	private static final ObjectMapper json = JsonMapper.builder().build();

	private static final String RAW_MARKER = "embedded-cxone-raw-expires-in";

	private final Map<String, String> clients = new ConcurrentHashMap<>();

	private final Map<String, String> accessKeys = new ConcurrentHashMap<>();

	private final ConcurrentLinkedQueue<Fault> discoveryFaults = new ConcurrentLinkedQueue<>();

	private final MACSigner signer;

	private volatile String apiEndpoint;

	private final Map<String, IssuedToken> tokens = new ConcurrentHashMap<>();

	private final Map<String, String> requiredScopes = new ConcurrentHashMap<>();

	private final Set<String> allowedScopes = ConcurrentHashMap.newKeySet();

	private final ConcurrentLinkedQueue<Fault> tokenFaults = new ConcurrentLinkedQueue<>();

	private final ConcurrentLinkedQueue<Fault> apiFaults = new ConcurrentLinkedQueue<>();

	private final ConcurrentLinkedQueue<RecordedRequest> journal = new ConcurrentLinkedQueue<>();

	private final AtomicInteger tokenRequestCounter = new AtomicInteger();

	private final AtomicInteger apiRequestCounter = new AtomicInteger();

	private volatile boolean journalEnabled = true;

	private final AtomicInteger openConnections = new AtomicInteger();

	private final AtomicInteger totalConnections = new AtomicInteger();

	private volatile Duration tokenLifetime = Duration.ofHours(1);

	private volatile boolean includeExpiresIn = true;

	private volatile String rawExpiresIn;

	private volatile boolean acceptForeignTokens;

	private volatile Duration tokenDelay = Duration.ZERO;

	private volatile Duration apiDelay = Duration.ZERO;

	private volatile boolean refuseTokens;

	private volatile Duration tokenTrickle;

	private final DisposableServer server;

	private EmbeddedCxone(int port) {
		this.clients.put(CLIENT_ID, CLIENT_SECRET);
		this.accessKeys.put(ACCESS_KEY_ID, ACCESS_KEY_SECRET);
		this.allowedScopes.add("default");
		byte[] key = new byte[32];
		new SecureRandom().nextBytes(key);
		try {
			this.signer = new MACSigner(key);
		}
		catch (KeyLengthException ex) {
			throw new IllegalStateException(ex);
		}
		this.server = HttpServer.create()
			.host("127.0.0.1")
			.port(port)
			.doOnChannelInit((observer, channel, remoteAddress) -> {
				this.openConnections.incrementAndGet();
				this.totalConnections.incrementAndGet();
				channel.closeFuture().addListener((closed) -> this.openConnections.decrementAndGet());
			})
			.handle(this::handle)
			.bindNow();
	}

	/**
	 * Start an embedded CXone on a free loopback port.
	 * @return the running server
	 */
	public static EmbeddedCxone start() {
		return new EmbeddedCxone(0);
	}

	/**
	 * Start an embedded CXone on the given loopback port.
	 * @param port the port, or {@code 0} for a free one
	 * @return the running server
	 */
	public static EmbeddedCxone start(int port) {
		return new EmbeddedCxone(port);
	}

	/**
	 * Return the base URL of the API, like {@code http://127.0.0.1:54321}.
	 * @return the base URL
	 */
	public String baseUrl() {
		return "http://127.0.0.1:" + this.server.port();
	}

	/**
	 * Return the token endpoint's URL.
	 * @return the token URI
	 */
	public String tokenUri() {
		return baseUrl() + TOKEN_PATH;
	}

	/**
	 * Return the port the server listens on.
	 * @return the port
	 */
	public int port() {
		return this.server.port();
	}

	/**
	 * Accept another client.
	 * @param clientId the client ID
	 * @param clientSecret its secret
	 * @return this server
	 */
	public EmbeddedCxone registerClient(String clientId, String clientSecret) {
		this.clients.put(clientId, clientSecret);
		return this;
	}

	/**
	 * Accept another access key for the password grant.
	 * @param accessKeyId the access key ID
	 * @param accessKeySecret its secret
	 * @return this server
	 */
	public EmbeddedCxone registerAccessKey(String accessKeyId, String accessKeySecret) {
		this.accessKeys.put(accessKeyId, accessKeySecret);
		return this;
	}

	/**
	 * Set the {@code api_endpoint} that the tenant's CXone configuration gives (by default
	 * this server's base URL).
	 * @param apiEndpoint the API endpoint
	 * @return this server
	 */
	public EmbeddedCxone apiEndpoint(String apiEndpoint) {
		this.apiEndpoint = apiEndpoint;
		return this;
	}

	/**
	 * Answer the next discovery requests (OpenID and CXone configuration) with an error
	 * status.
	 * @param count how many requests
	 * @param status the status
	 * @return this server
	 */
	public EmbeddedCxone failDiscoveryRequests(int count, int status) {
		for (int i = 0; i < count; i++) {
			this.discoveryFaults.add(new Fault(status, null, null));
		}
		return this;
	}

	/**
	 * Allow another scope to be requested.
	 * @param scope the scope
	 * @return this server
	 */
	public EmbeddedCxone allowScope(String scope) {
		this.allowedScopes.add(scope);
		return this;
	}

	/**
	 * Require a scope for the paths that start with the given prefix; tokens without it get
	 * 403.
	 * @param pathPrefix the path prefix
	 * @param scope the required scope
	 * @return this server
	 */
	public EmbeddedCxone requireScope(String pathPrefix, String scope) {
		this.requiredScopes.put(pathPrefix, scope);
		return this;
	}

	/**
	 * Set the lifetime of the tokens issued from now on.
	 * @param lifetime the lifetime
	 * @return this server
	 */
	public EmbeddedCxone tokenLifetime(Duration lifetime) {
		this.tokenLifetime = lifetime;
		return this;
	}

	/**
	 * Set whether token responses carry {@code expires_in} (the tokens expire all the
	 * same).
	 * @param include whether to include it
	 * @return this server
	 */
	public EmbeddedCxone includeExpiresIn(boolean include) {
		this.includeExpiresIn = include;
		return this;
	}

	/**
	 * Send {@code expires_in} in token responses as the given JSON text, whatever it says
	 * ({@code 3600.0}, {@code "3600"}, {@code 1e3}, {@code -5}); the tokens still expire
	 * after the configured lifetime. {@code null} restores the default.
	 * @param json the JSON text of the value, or {@code null}
	 * @return this server
	 */
	public EmbeddedCxone expiresIn(String json) {
		this.rawExpiresIn = json;
		return this;
	}

	/**
	 * Accept any bearer token on the API, for tests whose tokens come from another
	 * authorization server.
	 * @param accept whether to accept tokens this server did not issue
	 * @return this server
	 */
	public EmbeddedCxone acceptForeignTokens(boolean accept) {
		this.acceptForeignTokens = accept;
		return this;
	}

	/**
	 * Delay every token response.
	 * @param delay the delay
	 * @return this server
	 */
	public EmbeddedCxone tokenDelay(Duration delay) {
		this.tokenDelay = delay;
		return this;
	}

	/**
	 * Answer the token endpoint by trickling: the status and headers at once, then one
	 * byte of white space every interval for minutes, so that no read timeout fires.
	 * {@code null} turns it off.
	 * @param interval the time between two bytes, or {@code null}
	 * @return this server
	 */
	public EmbeddedCxone tokenTrickle(Duration interval) {
		this.tokenTrickle = interval;
		return this;
	}

	/**
	 * Set whether the API refuses every token with 401, valid or not: a 401 that persists,
	 * as when the API user is disabled or the API host is another region's. Tokens are
	 * still issued.
	 * @param refuse whether to refuse every token
	 * @return this server
	 */
	public EmbeddedCxone refuseTokens(boolean refuse) {
		this.refuseTokens = refuse;
		return this;
	}

	/**
	 * Delay every API response.
	 * @param delay the delay
	 * @return this server
	 */
	public EmbeddedCxone apiDelay(Duration delay) {
		this.apiDelay = delay;
		return this;
	}

	/**
	 * Answer the next token requests with an error status, or with a malformed token
	 * response when the status is 200.
	 * @param count how many requests
	 * @param status the status, 503 for example, or 200 for a response without a token
	 * @return this server
	 */
	public EmbeddedCxone failTokenRequests(int count, int status) {
		for (int i = 0; i < count; i++) {
			this.tokenFaults.add(new Fault(status, null, null));
		}
		return this;
	}

	/**
	 * Answer the next API requests with an error status, before looking at their token.
	 * @param count how many requests
	 * @param status the status, 429 or 503 for example
	 * @param retryAfter the {@code Retry-After} header to send, or {@code null}
	 * @return this server
	 */
	public EmbeddedCxone enqueueApiFaults(int count, int status, String retryAfter) {
		return enqueueApiFaults(null, count, status, retryAfter);
	}

	/**
	 * Answer the next API requests to one path with an error status, before looking at
	 * their token. Requests to other paths (a health probe, a start-up check) are answered
	 * as usual and do not use up the faults.
	 * @param path the request path, like {@link #CONVERSATIONS_SUMMARY_PATH}, or
	 * {@code null} for any path
	 * @param count how many requests
	 * @param status the status, 429 or 503 for example
	 * @param retryAfter the {@code Retry-After} header to send, or {@code null}; sent as it
	 * is, whatever its shape, and as several headers when it has line breaks
	 * @return this server
	 */
	public EmbeddedCxone enqueueApiFaults(String path, int count, int status, String retryAfter) {
		for (int i = 0; i < count; i++) {
			this.apiFaults.add(new Fault(status, retryAfter, path));
		}
		return this;
	}

	/**
	 * Revoke every token issued so far: the API answers 401 to them.
	 * @return this server
	 */
	public EmbeddedCxone revokeAllTokens() {
		this.tokens.values().forEach(IssuedToken::revoke);
		return this;
	}

	/**
	 * Return every request received, oldest first.
	 * @return the journal
	 */
	public List<RecordedRequest> requests() {
		return List.copyOf(this.journal);
	}

	/**
	 * Return the token requests received.
	 * @return the token requests
	 */
	public List<RecordedRequest> tokenRequests() {
		return this.journal.stream().filter(RecordedRequest::isTokenRequest).toList();
	}

	/**
	 * Return the API requests received.
	 * @return the API requests
	 */
	public List<RecordedRequest> apiRequests() {
		return this.journal.stream()
			.filter((request) -> !request.isTokenRequest() && !request.isDiscoveryRequest())
			.toList();
	}

	/**
	 * Return the discovery requests received.
	 * @return the discovery requests
	 */
	public List<RecordedRequest> discoveryRequests() {
		return this.journal.stream().filter(RecordedRequest::isDiscoveryRequest).toList();
	}

	/**
	 * Return how many token requests were received.
	 * @return the count
	 */
	public int tokenRequestCount() {
		return this.tokenRequestCounter.get();
	}

	/**
	 * Return how many API requests were received (discovery documents excluded), counted
	 * even when the journal is off.
	 * @return the count
	 */
	public int apiRequestCount() {
		return this.apiRequestCounter.get();
	}

	/**
	 * Set whether every request is kept in the journal. Turn it off for load tests; the
	 * counts go on.
	 * @param enabled whether to keep requests
	 * @return this server
	 */
	public EmbeddedCxone journal(boolean enabled) {
		this.journalEnabled = enabled;
		return this;
	}

	/**
	 * Return how many tokens were issued.
	 * @return the count
	 */
	public int issuedTokenCount() {
		return this.tokens.size();
	}

	/**
	 * Return how many connections are open now.
	 * @return the count
	 */
	public int openConnections() {
		return this.openConnections.get();
	}

	/**
	 * Return how many connections were accepted so far.
	 * @return the count
	 */
	public int totalConnections() {
		return this.totalConnections.get();
	}

	/**
	 * Forget the journal and the queued faults, and restore the defaults. Tokens issued so
	 * far stay valid, so that an application context cached across tests keeps its token;
	 * {@link #revokeAllTokens()} revokes them.
	 * @return this server
	 */
	public EmbeddedCxone reset() {
		this.journal.clear();
		this.tokenRequestCounter.set(0);
		this.apiRequestCounter.set(0);
		this.journalEnabled = true;
		this.tokenFaults.clear();
		this.apiFaults.clear();
		this.discoveryFaults.clear();
		this.requiredScopes.clear();
		this.apiEndpoint = null;
		this.tokenLifetime = Duration.ofHours(1);
		this.includeExpiresIn = true;
		this.rawExpiresIn = null;
		this.acceptForeignTokens = false;
		this.tokenDelay = Duration.ZERO;
		this.apiDelay = Duration.ZERO;
		this.refuseTokens = false;
		this.tokenTrickle = null;
		return this;
	}

	@Override
	public void close() {
		this.server.disposeNow();
	}

	private Mono<Void> handle(HttpServerRequest request, HttpServerResponse response) {
		Instant receivedAt = Instant.now();
		return request.receive()
			.aggregate()
			.asString(StandardCharsets.UTF_8)
			.defaultIfEmpty("")
			.flatMap((body) -> {
				String path = path(request);
				boolean tokenRequest = TOKEN_PATH.equals(path) || ACCESS_KEY_TOKEN_PATH.equals(path);
				Answer answer = tokenRequest ? token(request, body) : path.startsWith("/.well-known/")
						? discovery(request, path) : api(request, body);
				Duration delay = tokenRequest ? this.tokenDelay : this.apiDelay;
				Mono<Answer> delayed = delay.isZero() ? Mono.just(answer) : Mono.delay(delay).thenReturn(answer);
				if (tokenRequest) {
					this.tokenRequestCounter.incrementAndGet();
					Duration trickle = this.tokenTrickle;
					if (trickle != null) {
						return trickle(request, body, receivedAt, response, trickle);
					}
				}
				else if (!path.startsWith("/.well-known/")) {
					this.apiRequestCounter.incrementAndGet();
				}
				return delayed.flatMap((ready) -> {
					if (this.journalEnabled) {
						this.journal.add(record(request, body, receivedAt, ready.status()));
					}
					response.status(ready.status());
					// A value with line breaks is sent as several headers of the same name.
					ready.headers().forEach((name, value) -> value.lines().forEach((line) -> response.addHeader(name, line)));
					response.header("Content-Type", "application/json");
					return response.sendString(Mono.just(ready.body())).then();
				});
			});
	}

	private Mono<Void> trickle(HttpServerRequest request, String body, Instant receivedAt, HttpServerResponse response,
			Duration interval) {
		if (this.journalEnabled) {
			this.journal.add(record(request, body, receivedAt, 200));
		}
		return response.status(200)
			.header("Content-Type", "application/json")
			.sendString(Flux.interval(interval).map((tick) -> " ").take(Duration.ofMinutes(5)))
			.then();
	}

	private Answer token(HttpServerRequest request, String body) {
		Fault fault = this.tokenFaults.poll();
		if (fault != null) {
			return (fault.status() == 200) ? new Answer(200, Map.of(), "{\"token\":\"not-an-access-token\"}")
					: new Answer(fault.status(), Map.of(), "{\"error\":\"server_error\"}");
		}
		if (!"POST".equals(request.method().name())) {
			return error(405, "invalid_request", "The token endpoint takes POST");
		}
		Map<String, String> form = parseForm(body);
		String[] credentials = clientCredentials(request.requestHeaders().get("Authorization"), form);
		if (credentials == null || !credentials[1].equals(this.clients.get(credentials[0]))) {
			return error(401, "invalid_client", "Client authentication failed");
		}
		if (ACCESS_KEY_TOKEN_PATH.equals(path(request))) {
			return passwordGrant(form, credentials[0]);
		}
		if (!"client_credentials".equals(form.get("grant_type"))) {
			return error(400, "unsupported_grant_type", "Use grant_type=client_credentials");
		}
		Set<String> scopes = new LinkedHashSet<>();
		String scope = form.get("scope");
		if (scope != null && !scope.isBlank()) {
			scopes.addAll(Arrays.asList(scope.trim().split("\\s+")));
			if (!this.allowedScopes.containsAll(scopes)) {
				return error(400, "invalid_scope", "A requested scope is not granted to this client");
			}
		}
		String value = "cxone-" + UUID.randomUUID();
		Duration lifetime = this.tokenLifetime;
		this.tokens.put(value, new IssuedToken(Instant.now().plus(lifetime), scopes));
		Map<String, Object> token = new LinkedHashMap<>();
		token.put("access_token", value);
		token.put("token_type", "Bearer");
		if (this.includeExpiresIn) {
			token.put("expires_in", lifetime.toSeconds());
		}
		token.put("scope", String.join(" ", scopes));
		return tokenAnswer(token);
	}

	private Answer passwordGrant(Map<String, String> form, String clientId) {
		if (!"password".equals(form.get("grant_type"))) {
			return error(400, "unsupported_grant_type", "Use grant_type=password with an access key");
		}
		String accessKeyId = form.get("username");
		if (accessKeyId == null || !Objects.equals(this.accessKeys.get(accessKeyId), form.get("password"))) {
			return error(401, "invalid_grant", "The access key is invalid or revoked");
		}
		Duration lifetime = this.tokenLifetime;
		Instant now = Instant.now();
		String accessToken = jwt(new JWTClaimsSet.Builder().subject(accessKeyId)
			.issuer(baseUrl())
			.audience(clientId)
			.claim("tenantId", TENANT_ID)
			.issueTime(Date.from(now))
			.expirationTime(Date.from(now.plus(lifetime)))
			.jwtID(UUID.randomUUID().toString())
			.build());
		String idToken = jwt(new JWTClaimsSet.Builder().subject(accessKeyId)
			.issuer(baseUrl())
			.audience(clientId)
			.claim("tenantId", TENANT_ID)
			.claim("name", "Embedded CXone API User")
			.issueTime(Date.from(now))
			.expirationTime(Date.from(now.plus(lifetime)))
			.build());
		this.tokens.put(accessToken, new IssuedToken(now.plus(lifetime), Set.of()));
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

	private Answer tokenAnswer(Map<String, Object> token) {
		String raw = this.rawExpiresIn;
		if (raw != null) {
			token.put("expires_in", RAW_MARKER);
		}
		String body = json.writeValueAsString(token);
		if (raw != null) {
			body = body.replace("\"" + RAW_MARKER + "\"", raw);
		}
		return new Answer(200, Map.of("Cache-Control", "no-store"), body);
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

	private Answer discovery(HttpServerRequest request, String path) {
		Fault fault = this.discoveryFaults.poll();
		if (fault != null) {
			return new Answer(fault.status(), Map.of(), "{\"error\":\"unavailable\"}");
		}
		if (OPENID_CONFIGURATION_PATH.equals(path)) {
			Map<String, Object> configuration = new LinkedHashMap<>();
			configuration.put("issuer", baseUrl());
			configuration.put("token_endpoint", baseUrl() + ACCESS_KEY_TOKEN_PATH);
			configuration.put("grant_types_supported", List.of("password", "client_credentials"));
			configuration.put("token_endpoint_auth_methods_supported", List.of("client_secret_basic"));
			return ok(configuration);
		}
		if (CXONE_CONFIGURATION_PATH.equals(path)) {
			String tenantId = new QueryStringDecoder(request.uri()).parameters()
				.getOrDefault("tenantId", List.of())
				.stream()
				.findFirst()
				.orElse(null);
			if (!TENANT_ID.equals(tenantId)) {
				return error(404, "not_found", "Unknown tenantId");
			}
			String api = (this.apiEndpoint != null) ? this.apiEndpoint : baseUrl();
			Map<String, Object> configuration = new LinkedHashMap<>();
			configuration.put("area", "na1");
			configuration.put("api_endpoint", api);
			configuration.put("auth_endpoint", baseUrl());
			configuration.put("ui_endpoint", baseUrl());
			configuration.put("tenantId", tenantId);
			return ok(configuration);
		}
		return error(404, "not_found", "The embedded CXone has no " + path);
	}

	private Answer api(HttpServerRequest request, String body) {
		String path = path(request);
		Fault fault = nextApiFault(path);
		if (fault != null) {
			Map<String, String> headers = new LinkedHashMap<>();
			if (fault.retryAfter() != null) {
				headers.put("Retry-After", fault.retryAfter());
			}
			headers.put("icStatusDescription", "Injected fault " + fault.status());
			return new Answer(fault.status(), headers, "{\"error\":\"injected\",\"status\":" + fault.status() + "}");
		}
		String authorization = request.requestHeaders().get("Authorization");
		String bearer = (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7))
				? authorization.substring(7).trim() : null;
		IssuedToken token = (bearer != null) ? this.tokens.get(bearer) : null;
		boolean foreign = bearer != null && token == null && this.acceptForeignTokens;
		if (this.refuseTokens || (!foreign && (token == null || !token.isValid()))) {
			return new Answer(401, Map.of("WWW-Authenticate", "Bearer error=\"invalid_token\""),
					"{\"error\":\"invalid_token\"}");
		}
		Set<String> scopes = foreign ? Set.of("default") : token.scopes();
		for (Map.Entry<String, String> required : this.requiredScopes.entrySet()) {
			if (path.startsWith(required.getKey()) && !scopes.contains(required.getValue())) {
				return new Answer(403,
						Map.of("WWW-Authenticate",
								"Bearer error=\"insufficient_scope\", scope=\"" + required.getValue() + "\""),
						"{\"error\":\"insufficient_scope\"}");
			}
		}
		return route(request, path, body, scopes);
	}

	private Answer route(HttpServerRequest request, String path, String body, Set<String> scopes) {
		String method = request.method().name();
		if (path.startsWith(ECHO_PREFIX)) {
			Map<String, Object> echo = new LinkedHashMap<>();
			echo.put("method", method);
			echo.put("path", path);
			echo.put("body", body);
			return ok(echo);
		}
		if (WHOAMI_PATH.equals(path) && "GET".equals(method)) {
			Map<String, Object> identity = new LinkedHashMap<>();
			identity.put("id", "550e8400-e29b-41d4-a716-446655440000");
			identity.put("name", "Embedded CXone API Key");
			identity.put("email", "api-key@embedded-cxone.invalid");
			identity.put("scopes", new ArrayList<>(scopes));
			identity.put("siteId", "123456");
			return ok(identity);
		}
		if (CONVERSATIONS_SUMMARY_PATH.equals(path) && "POST".equals(method)) {
			return conversationsSummary(body);
		}
		if (AGENTS_PATH.equals(path) && "GET".equals(method)) {
			return ok(Map.of("agents",
					List.of(Map.of("agentId", 1001, "firstName", "Ada", "lastName", "Lovelace", "isActive", true),
							Map.of("agentId", 1002, "firstName", "Alan", "lastName", "Turing", "isActive", true))));
		}
		if (SERVER_TIME_PATH.equals(path) && "GET".equals(method)) {
			return ok(Map.of("ServerTime", Instant.now().toString()));
		}
		return error(404, "not_found", "The embedded CXone has no " + method + " " + path);
	}

	@SuppressWarnings("unchecked")
	private Answer conversationsSummary(String body) {
		Map<String, Object> query;
		try {
			query = json.readValue(body, Map.class);
		}
		catch (RuntimeException ex) {
			return error(400, "invalid_request", "The body must be a JSON object");
		}
		if (!(query.get("interval") instanceof Map) || !(query.get("groupBy") instanceof List)) {
			return error(400, "invalid_request", "interval (an object with from and to) and groupBy (a list) are required");
		}
		List<String> groupBy = (List<String>) query.get("groupBy");
		List<Map<String, Object>> groups = new ArrayList<>();
		String[][] rows = { { "INBOUND", "42" }, { "OUTBOUND", "17" }, { "TRANSFER", "5" } };
		int size = (query.get("size") instanceof Number number) ? number.intValue() : rows.length;
		for (int i = 0; i < Math.min(size, rows.length); i++) {
			Map<String, Object> group = new LinkedHashMap<>();
			for (String key : groupBy) {
				group.put(key, rows[i][0]);
			}
			group.put("count", Integer.parseInt(rows[i][1]));
			groups.add(group);
		}
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("interval", query.get("interval"));
		answer.put("filter", query.getOrDefault("filter", Map.of()));
		answer.put("groups", groups);
		return ok(answer);
	}

	private static String[] clientCredentials(String authorization, Map<String, String> form) {
		if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
			String decoded;
			try {
				decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
			}
			catch (IllegalArgumentException ex) {
				return null;
			}
			int colon = decoded.indexOf(':');
			if (colon < 0) {
				return null;
			}
			return new String[] { decode(decoded.substring(0, colon)), decode(decoded.substring(colon + 1)) };
		}
		if (form.containsKey("client_id") && form.containsKey("client_secret")) {
			return new String[] { form.get("client_id"), form.get("client_secret") };
		}
		return null;
	}

	private static Map<String, String> parseForm(String body) {
		Map<String, String> form = new LinkedHashMap<>();
		for (String pair : body.split("&")) {
			if (pair.isEmpty()) {
				continue;
			}
			int equals = pair.indexOf('=');
			String name = decode((equals < 0) ? pair : pair.substring(0, equals));
			form.put(name, (equals < 0) ? "" : decode(pair.substring(equals + 1)));
		}
		return form;
	}

	private static String decode(String value) {
		return URLDecoder.decode(value, StandardCharsets.UTF_8);
	}

	private static String path(HttpServerRequest request) {
		String uri = request.uri();
		int query = uri.indexOf('?');
		return (query < 0) ? uri : uri.substring(0, query);
	}

	private static RecordedRequest record(HttpServerRequest request, String body, Instant receivedAt, int status) {
		Map<String, String> headers = new LinkedHashMap<>();
		request.requestHeaders().forEach((header) -> headers.putIfAbsent(header.getKey().toLowerCase(Locale.ROOT),
				header.getValue()));
		String uri = request.uri();
		int query = uri.indexOf('?');
		return new RecordedRequest(request.method().name(), path(request), (query < 0) ? "" : uri.substring(query + 1),
				Collections.unmodifiableMap(headers), body, receivedAt, status);
	}

	private static Answer ok(Object body) {
		return new Answer(200, Map.of(), json.writeValueAsString(body));
	}

	private static Answer error(int status, String code, String description) {
		return new Answer(status, Map.of(),
				json.writeValueAsString(Map.of("error", code, "error_description", description)));
	}

	private record Answer(int status, Map<String, String> headers, String body) {
	}

	private Fault nextApiFault(String path) {
		for (Fault fault : this.apiFaults) {
			// remove() succeeds for one request only, so that each fault is answered once.
			if (fault.appliesTo(path) && this.apiFaults.remove(fault)) {
				return fault;
			}
		}
		return null;
	}

	private record Fault(int status, String retryAfter, String path) {

		boolean appliesTo(String requestPath) {
			return this.path == null || this.path.equals(requestPath);
		}

	}

	private static final class IssuedToken {

		private final Instant expiresAt;

		private final Set<String> scopes;

		private volatile boolean revoked;

		IssuedToken(Instant expiresAt, Set<String> scopes) {
			this.expiresAt = expiresAt;
			this.scopes = Set.copyOf(scopes);
		}

		boolean isValid() {
			return !this.revoked && Instant.now().isBefore(this.expiresAt);
		}

		Set<String> scopes() {
			return this.scopes;
		}

		void revoke() {
			this.revoked = true;
		}

	}

	@Override
	public String toString() {
		return "EmbeddedCxone[" + baseUrl() + "]";
	}

}
