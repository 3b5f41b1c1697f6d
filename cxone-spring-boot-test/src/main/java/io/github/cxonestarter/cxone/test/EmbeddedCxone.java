package io.github.cxonestarter.cxone.test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

import io.netty.handler.codec.http.HttpHeaders;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.Http11SslContextSpec;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.pem.PemSslStoreBundle;
import org.springframework.boot.ssl.pem.PemSslStoreDetails;

/**
 * A CXone stand-in on a loopback port, as strict as CXone where a client could go wrong,
 * to test against. It is made of four parts, each readable alone: the token endpoints
 * ({@code TokenEndpoints}: client_credentials and the access-key password grant, RFC 6749
 * client authentication, real OAuth2 error answers), the API routes ({@code ApiRoutes}: a
 * few CXone endpoints, after the bearer token was checked, with scope checks), the fault
 * plan ({@code FaultPlan}: faults queued for the token endpoint, the API or discovery,
 * delays, refused tokens) and the request journal ({@code RequestJournal}: every request,
 * counts and connections). This class is their public face.
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

	/**
	 * Client ID the embedded CXone accepts unless told otherwise. It has a {@code +}, so
	 * that a client that does not form-encode its Basic credentials fails on the ID too.
	 */
	public static final String CLIENT_ID = "embedded+client";

	/**
	 * Client secret the embedded CXone accepts unless told otherwise. It has {@code +},
	 * {@code /} and {@code =}, so that a client that does not form-encode its Basic
	 * credentials (RFC 6749 section 2.3.1) fails every test.
	 */
	public static final String CLIENT_SECRET = "embedded+client/secret==";

	/** Path of the token endpoint. */
	public static final String TOKEN_PATH = "/oauth2/token";

	/** Path of the access-key (password grant) token endpoint, as the OpenID configuration gives it. */
	public static final String ACCESS_KEY_TOKEN_PATH = "/auth/token";

	/**
	 * Path of the access-key login: the access key alone, as JSON, with no registered
	 * application.
	 */
	public static final String ACCESS_KEY_LOGIN_PATH = "/authentication/v1/token/access-key";

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

	/** Business unit carried by the tokens of the access-key flows, in the {@code icBUId} claim. */
	public static final long BUSINESS_UNIT_ID = 4600001L;

	/** Cluster carried by the tokens of the access-key flows, in the {@code icClusterId} claim. */
	public static final String CLUSTER_ID = "E32";

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

	private final RequestJournal journal = new RequestJournal();

	private final FaultPlan faults = new FaultPlan();

	private final IssuedTokens tokens = new IssuedTokens();

	private final TokenEndpoints tokenEndpoints = new TokenEndpoints(this.tokens);

	private final DiscoveryDocuments discovery = new DiscoveryDocuments();

	private final ApiRoutes routes = new ApiRoutes();

	private final DisposableServer server;

	private final ServerCertificate certificate;

	private EmbeddedCxone(int port, ServerCertificate certificate) {
		this.certificate = certificate;
		HttpServer server = HttpServer.create()
			.host("127.0.0.1")
			.port(port)
			.doOnChannelInit((observer, channel, remoteAddress) -> {
				this.journal.connectionOpened();
				channel.closeFuture().addListener((closed) -> this.journal.connectionClosed());
			});
		if (certificate != null) {
			// HTTP/1.1 over TLS, as the starter speaks it to CXone.
			server = server.secure((spec) -> spec.sslContext(Http11SslContextSpec.forServer(
					certificate.bundle().getKeyPair().getPrivate(), certificate.bundle().getCertificate())));
		}
		this.server = server.handle(this::handle).bindNow();
	}

	/**
	 * Start an embedded CXone on a free loopback port.
	 * @return the running server
	 */
	public static EmbeddedCxone start() {
		return new EmbeddedCxone(0, null);
	}

	/**
	 * Start an embedded CXone on the given loopback port.
	 * @param port the port, or {@code 0} for a free one
	 * @return the running server
	 */
	public static EmbeddedCxone start(int port) {
		return new EmbeddedCxone(port, null);
	}

	/**
	 * Start an embedded CXone that serves HTTPS on a free loopback port, with a
	 * self-signed certificate made at start-up for {@code 127.0.0.1} and
	 * {@code localhost}. No client trusts it until told to: give it
	 * {@link #certificatePem()} or {@link #sslBundle()}.
	 * @return the running server
	 * @since 0.1.0
	 */
	public static EmbeddedCxone startHttps() {
		return startHttps("127.0.0.1", "localhost");
	}

	/**
	 * Start an embedded CXone that serves HTTPS on a free loopback port, with a
	 * self-signed certificate made at start-up for the given host names and IP
	 * addresses. A certificate that leaves out {@code 127.0.0.1} is one whose host name
	 * does not match {@link #baseUrl()}.
	 * @param hostNames the names and addresses the certificate is issued for
	 * @return the running server
	 * @since 0.1.0
	 */
	public static EmbeddedCxone startHttps(String... hostNames) {
		if (hostNames.length == 0) {
			throw new IllegalArgumentException("The certificate needs at least one host name");
		}
		return new EmbeddedCxone(0, ServerCertificate.create(List.of(hostNames)));
	}

	/**
	 * Return whether this server serves HTTPS.
	 * @return whether it serves HTTPS
	 * @since 0.1.0
	 */
	public boolean isHttps() {
		return this.certificate != null;
	}

	/**
	 * Return the certificate this server serves HTTPS with, as PEM, for a trust store
	 * like {@code spring.ssl.bundle.pem.<name>.truststore.certificate}.
	 * @return the certificate
	 * @throws IllegalStateException when this server serves plain HTTP
	 * @since 0.1.0
	 */
	public String certificatePem() {
		return serverCertificate().pem();
	}

	/**
	 * Return a Spring Boot SSL bundle that trusts this server's certificate, and nothing
	 * else. Needs Spring Boot on the class path.
	 * @return the bundle
	 * @throws IllegalStateException when this server serves plain HTTP
	 * @since 0.1.0
	 */
	public SslBundle sslBundle() {
		return SslBundle.of(new PemSslStoreBundle(null, PemSslStoreDetails.forCertificate(certificatePem())));
	}

	private ServerCertificate serverCertificate() {
		if (this.certificate == null) {
			throw new IllegalStateException("This embedded CXone serves plain HTTP; start it with startHttps()");
		}
		return this.certificate;
	}

	/**
	 * Return the base URL of the API, like {@code http://127.0.0.1:54321}, or
	 * {@code https://127.0.0.1:54321} when it serves HTTPS.
	 * @return the base URL
	 */
	public String baseUrl() {
		return (isHttps() ? "https" : "http") + "://127.0.0.1:" + this.server.port();
	}

	/**
	 * Return the token endpoint's URL.
	 * @return the token URI
	 */
	public String tokenUri() {
		return baseUrl() + TOKEN_PATH;
	}

	/**
	 * Return the URL of the access-key login, for {@code cxone.token-uri}.
	 * @return the access-key login URI
	 */
	public String accessKeyLoginUri() {
		return baseUrl() + ACCESS_KEY_LOGIN_PATH;
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
		this.tokenEndpoints.registerClient(clientId, clientSecret);
		return this;
	}

	/**
	 * Accept another access key, for the password grant and the access-key login.
	 * @param accessKeyId the access key ID
	 * @param accessKeySecret its secret
	 * @return this server
	 */
	public EmbeddedCxone registerAccessKey(String accessKeyId, String accessKeySecret) {
		this.tokenEndpoints.registerAccessKey(accessKeyId, accessKeySecret);
		return this;
	}

	/**
	 * Set the {@code api_endpoint} that the tenant's CXone configuration gives (by default
	 * this server's base URL).
	 * @param apiEndpoint the API endpoint
	 * @return this server
	 */
	public EmbeddedCxone apiEndpoint(String apiEndpoint) {
		this.discovery.apiEndpoint(apiEndpoint);
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
		this.faults.enqueueDiscoveryFaults(count, InjectedFault.status(status));
		return this;
	}

	/**
	 * Allow another scope to be requested.
	 * @param scope the scope
	 * @return this server
	 */
	public EmbeddedCxone allowScope(String scope) {
		this.tokenEndpoints.allowScope(scope);
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
		this.routes.requireScope(pathPrefix, scope);
		return this;
	}

	/**
	 * Set the lifetime of the tokens issued from now on. A token's lifetime starts when
	 * its response is sent, after any {@link #tokenDelay(Duration) token delay}. It is
	 * counted in whole seconds, as {@code expires_in} is: a fraction is dropped, so that a
	 * token never outlives what its response said.
	 * @param lifetime the lifetime
	 * @return this server
	 */
	public EmbeddedCxone tokenLifetime(Duration lifetime) {
		this.tokenEndpoints.tokenLifetime(lifetime);
		return this;
	}

	/**
	 * Set whether token responses carry {@code expires_in} (the tokens expire all the
	 * same).
	 * @param include whether to include it
	 * @return this server
	 */
	public EmbeddedCxone includeExpiresIn(boolean include) {
		this.tokenEndpoints.includeExpiresIn(include);
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
		this.tokenEndpoints.rawExpiresIn(json);
		return this;
	}

	/**
	 * Accept any bearer token on the API, valid or not, with the {@code default} scope.
	 * Only for tests whose tokens come from a server that cannot check them, such as a
	 * container; prefer {@link #acceptForeignTokens(Predicate)} or
	 * {@link #trustTokensOf(EmbeddedCxone)}, which still refuse a bad token.
	 * @param accept whether to accept tokens this server did not issue
	 * @return this server
	 */
	public EmbeddedCxone acceptForeignTokens(boolean accept) {
		return acceptForeignTokens(accept ? (bearer) -> true : null);
	}

	/**
	 * Accept the bearer tokens of another authorization server that the given check finds
	 * valid, with the {@code default} scope. Tokens this server issued are checked as
	 * usual.
	 * @param valid whether a token this server did not issue is valid now, or {@code null}
	 * to accept none
	 * @return this server
	 */
	public EmbeddedCxone acceptForeignTokens(Predicate<String> valid) {
		this.tokens.acceptForeign((valid != null) ? (bearer) -> valid.test(bearer) ? Set.of("default") : null : null);
		return this;
	}

	/**
	 * Accept on this server's API the tokens that another embedded CXone issued, while they
	 * are valid there: an API host apart from the authentication host, as CXone has.
	 * @param issuer the embedded CXone that issues the tokens
	 * @return this server
	 */
	public EmbeddedCxone trustTokensOf(EmbeddedCxone issuer) {
		this.tokens.acceptForeign(issuer.tokens::scopesOf);
		return this;
	}

	/**
	 * Delay every token response. The token is issued after the delay.
	 * @param delay the delay
	 * @return this server
	 */
	public EmbeddedCxone tokenDelay(Duration delay) {
		this.faults.tokenDelay(delay);
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
		this.faults.tokenTrickle(interval);
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
		this.faults.refuseAllTokens(refuse);
		return this;
	}

	/**
	 * Set whether the API refuses every token with 401 on one path, valid or not, while
	 * other paths accept them: a 401 that persists for one endpoint.
	 * @param path the request path, like {@link #AGENTS_PATH}, without a query
	 * @param refuse whether to refuse every token there
	 * @throws IllegalArgumentException when the path does not start with {@code /} or has a
	 * query, which no request path matches
	 * @return this server
	 */
	public EmbeddedCxone refuseTokens(String path, boolean refuse) {
		this.faults.refuseTokens(path, refuse);
		return this;
	}

	/**
	 * Set whether a 401 is answered as soon as the headers show a bad token, without
	 * reading the request body, and the connection then closed, as many gateways do. The
	 * journal records such a request with an empty body.
	 * @param before whether to answer 401 before reading the body
	 * @return this server
	 */
	public EmbeddedCxone unauthorizedBeforeBody(boolean before) {
		this.faults.unauthorizedBeforeBody(before);
		return this;
	}

	/**
	 * Delay every API response.
	 * @param delay the delay
	 * @return this server
	 */
	public EmbeddedCxone apiDelay(Duration delay) {
		this.faults.apiDelay(delay);
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
		return enqueueTokenFaults(count, InjectedFault.status(status));
	}

	/**
	 * Answer the next token requests with a fault, before looking at them: a 429 with
	 * {@code Retry-After}, a burst of 5xx, a load balancer's HTML page, a broken
	 * connection. A fault with status 200 is a token response without a token.
	 * @param count how many requests
	 * @param fault the fault
	 * @return this server
	 */
	public EmbeddedCxone enqueueTokenFaults(int count, InjectedFault fault) {
		this.faults.enqueueTokenFaults(count, fault);
		return this;
	}

	/**
	 * Answer the next API requests that carry a valid token with an error status.
	 * @param count how many requests
	 * @param status the status, 429 or 503 for example
	 * @param retryAfter the {@code Retry-After} header to send, or {@code null}
	 * @return this server
	 */
	public EmbeddedCxone enqueueApiFaults(int count, int status, String retryAfter) {
		return enqueueApiFaults(null, count, status, retryAfter);
	}

	/**
	 * Answer the next API requests to one path that carry a valid token with an error
	 * status. Requests to other paths (a health probe, a start-up check) are answered as
	 * usual and do not use up the faults; requests with a bad token get 401 and do not use
	 * them up either.
	 * @param path the request path, like {@link #CONVERSATIONS_SUMMARY_PATH}, without a
	 * query (a path with one is refused with {@link IllegalArgumentException}), or
	 * {@code null} for any path
	 * @param count how many requests
	 * @param status the status, 429 or 503 for example
	 * @param retryAfter the {@code Retry-After} header to send, or {@code null}; sent as it
	 * is, whatever its shape, and as several headers when it has line breaks
	 * @return this server
	 */
	public EmbeddedCxone enqueueApiFaults(String path, int count, int status, String retryAfter) {
		return enqueueApiFaults(path, count, InjectedFault.status(status).retryAfter(retryAfter));
	}

	/**
	 * Answer the next API requests to one path that carry a valid token with a fault: an
	 * HTML error page, a body without {@code Content-Type}, a connection closed mid-response
	 * or without a response, or no response at all.
	 * @param path the request path, without a query (a path with one is refused with
	 * {@link IllegalArgumentException}), or {@code null} for any path
	 * @param count how many requests
	 * @param fault the fault
	 * @return this server
	 */
	public EmbeddedCxone enqueueApiFaults(String path, int count, InjectedFault fault) {
		this.faults.enqueueApiFaults(path, count, fault);
		return this;
	}

	/**
	 * Revoke every token issued so far: the API answers 401 to them.
	 * @return this server
	 */
	public EmbeddedCxone revokeAllTokens() {
		this.tokens.revokeAll();
		return this;
	}

	/**
	 * Return every request received, oldest first.
	 * @return the journal
	 */
	public List<RecordedRequest> requests() {
		return this.journal.requests((request) -> true);
	}

	/**
	 * Return the token requests received.
	 * @return the token requests
	 */
	public List<RecordedRequest> tokenRequests() {
		return this.journal.requests(RecordedRequest::isTokenRequest);
	}

	/**
	 * Return the API requests received.
	 * @return the API requests
	 */
	public List<RecordedRequest> apiRequests() {
		return this.journal.requests((request) -> !request.isTokenRequest() && !request.isDiscoveryRequest());
	}

	/**
	 * Return the discovery requests received.
	 * @return the discovery requests
	 */
	public List<RecordedRequest> discoveryRequests() {
		return this.journal.requests(RecordedRequest::isDiscoveryRequest);
	}

	/**
	 * Return how many token requests were received, counted as they arrive, even when the
	 * journal is off.
	 * @return the count
	 */
	public int tokenRequestCount() {
		return this.journal.tokenRequestCount();
	}

	/**
	 * Return how many API requests were received (discovery documents excluded), counted
	 * as they arrive, even when the journal is off.
	 * @return the count
	 */
	public int apiRequestCount() {
		return this.journal.apiRequestCount();
	}

	/**
	 * Set whether every request is kept in the journal. Turn it off for load tests; the
	 * counts go on.
	 * @param enabled whether to keep requests
	 * @return this server
	 */
	public EmbeddedCxone journal(boolean enabled) {
		this.journal.enabled(enabled);
		return this;
	}

	/**
	 * Return how many tokens were issued.
	 * @return the count
	 */
	public int issuedTokenCount() {
		return this.tokens.count();
	}

	/**
	 * Return how many connections are open now.
	 * @return the count
	 */
	public int openConnections() {
		return this.journal.openConnections();
	}

	/**
	 * Return how many connections were accepted since the start or the last
	 * {@link #reset()}, so that a test counts its own.
	 * @return the count
	 */
	public int totalConnections() {
		return this.journal.totalConnections();
	}

	/**
	 * Forget the journal and the queued faults, and restore the defaults: the clients,
	 * access keys and scopes registered with {@link #registerClient}, {@link #registerAccessKey}
	 * and {@link #allowScope} are forgotten, so that one test's registrations never let a
	 * later test's client through. Tokens issued so far stay valid, so that an application
	 * context cached across tests keeps its token; {@link #revokeAllTokens()} revokes them.
	 * @return this server
	 */
	public EmbeddedCxone reset() {
		this.journal.reset();
		this.faults.reset();
		this.tokens.reset();
		this.tokenEndpoints.reset();
		this.discovery.reset();
		this.routes.reset();
		return this;
	}

	@Override
	public void close() {
		this.server.disposeNow();
	}

	private Mono<Void> handle(HttpServerRequest request, HttpServerResponse response) {
		Instant receivedAt = Instant.now();
		String path = Paths.of(request);
		this.journal.arrived(path);
		if (Paths.isToken(path)) {
			return body(request, receivedAt).flatMap((body) -> tokenRequest(request, response, path, body, receivedAt));
		}
		if (Paths.isDiscovery(path)) {
			return body(request, receivedAt).flatMap((body) -> {
				InjectedFault fault = this.faults.nextDiscoveryFault();
				Answer answer = (fault != null) ? fault.answer("{\"error\":\"unavailable\"}", Map.of())
						: this.discovery.answer(request.method().name(), request.uri(), path, baseUrl());
				return deliver(request, response, body, receivedAt, delayed(this.faults.apiDelay(), Mono.just(answer)));
			});
		}
		return apiRequest(request, response, path, receivedAt);
	}

	private Mono<Void> tokenRequest(HttpServerRequest request, HttpServerResponse response, String path, String body,
			Instant receivedAt) {
		Duration trickle = this.faults.tokenTrickle();
		if (trickle != null) {
			this.journal.record(request, body, receivedAt, 200);
			return response.status(200)
				.header("Content-Type", "application/json")
				.sendString(Flux.interval(trickle).map((tick) -> " ").take(Duration.ofMinutes(5)))
				.then();
		}
		InjectedFault fault = this.faults.nextTokenFault();
		// The token is issued after the delay, so that its lifetime starts when the client
		// gets it, as with a slow CXone.
		HttpHeaders headers = request.requestHeaders();
		Mono<Answer> answer = Mono.fromSupplier(() -> {
			if (fault != null) {
				return this.tokenEndpoints.fault(fault);
			}
			if (ACCESS_KEY_LOGIN_PATH.equals(path)) {
				return this.tokenEndpoints.login(request.method().name(), headers.get("Content-Type"),
						headers.get("Accept"), headers.getAll("Authorization"), body, baseUrl());
			}
			return this.tokenEndpoints.answer(request.method().name(), path, headers.get("Content-Type"),
					headers.getAll("Authorization"), body, baseUrl());
		});
		return deliver(request, response, body, receivedAt, delayed(this.faults.tokenDelay(), answer));
	}

	private Mono<Void> apiRequest(HttpServerRequest request, HttpServerResponse response, String path,
			Instant receivedAt) {
		if (ApiRoutes.carriesTokenTwice(request.requestHeaders().getAll("Authorization"), request.uri())) {
			// RFC 6750 sections 2 and 3.1: one token, sent one way; a stale header left next
			// to the new one is not "the first one wins".
			return body(request, receivedAt).flatMap((body) -> deliver(request, response, body, receivedAt,
					Mono.just(ApiRoutes.tokenSentTwice())));
		}
		// The token is checked first, from the headers alone, as CXone's gateway does: an
		// injected fault never hides a bad token.
		Set<String> scopes;
		try {
			scopes = this.tokens.scopesOf(bearer(request.requestHeaders().get("Authorization")));
		}
		catch (RuntimeException ex) {
			// A test's foreign-token check failed: answer and record it, rather than close
			// the connection without a word (which a client may even retry by itself).
			return body(request, receivedAt).flatMap((body) -> deliver(request, response, body, receivedAt, Mono.error(ex)));
		}
		boolean refused = scopes == null || this.faults.refusesTokens(path);
		if (refused && this.faults.unauthorizedBeforeBody()) {
			// The body is never read; the connection closes after the answer.
			response.keepAlive(false);
			return deliver(request, response, "", receivedAt, Mono.just(ApiRoutes.unauthorized()));
		}
		return body(request, receivedAt).flatMap((body) -> {
			Mono<Answer> answer = Mono.fromSupplier(() -> {
				if (refused) {
					return ApiRoutes.unauthorized();
				}
				InjectedFault fault = this.faults.nextApiFault(path);
				if (fault != null) {
					return ApiRoutes.fault(fault);
				}
				return this.routes.answer(request.method().name(), path, request.requestHeaders().get("Content-Type"),
						request.requestHeaders().get("Accept"), body, scopes);
			});
			return deliver(request, response, body, receivedAt, delayed(this.faults.apiDelay(), answer));
		});
	}

	private Mono<Void> deliver(HttpServerRequest request, HttpServerResponse response, String body, Instant receivedAt,
			Mono<Answer> answer) {
		AtomicBoolean recorded = new AtomicBoolean();
		return answer.onErrorResume(RuntimeException.class, (ex) -> Mono.just(Answer.failure(ex)))
			.doOnNext((ready) -> recorded.set(true))
			.flatMap((ready) -> send(request, response, body, receivedAt, ready))
			// A client that gives up before the answer (its timeout during a delay) is still
			// in the journal, with no status.
			.doOnCancel(() -> {
				if (recorded.compareAndSet(false, true)) {
					this.journal.record(request, body, receivedAt, 0);
				}
			});
	}

	private Mono<Void> send(HttpServerRequest request, HttpServerResponse response, String body, Instant receivedAt,
			Answer ready) {
		boolean answered = ready.delivery() == InjectedFault.Delivery.ANSWER
				|| ready.delivery() == InjectedFault.Delivery.CLOSE_MID_RESPONSE;
		this.journal.record(request, body, receivedAt, answered ? ready.status() : 0);
		return switch (ready.delivery()) {
			case ANSWER -> answer(response, ready);
			case CLOSE_MID_RESPONSE -> closeMidResponse(response);
			case CLOSE_WITHOUT_RESPONSE -> {
				response.withConnection((connection) -> connection.channel().close());
				yield Mono.never();
			}
			case NO_RESPONSE -> Mono.never();
		};
	}

	private static Mono<Void> answer(HttpServerResponse response, Answer answer) {
		response.status(answer.status());
		// A value with line breaks is sent as several headers of the same name.
		answer.headers().forEach((name, value) -> value.lines().forEach((line) -> response.addHeader(name, line)));
		if (answer.contentType() != null) {
			response.header("Content-Type", answer.contentType());
		}
		return response.sendString(Mono.just(answer.body())).then();
	}

	private static Mono<Void> closeMidResponse(HttpServerResponse response) {
		String part = "{\"partial\":";
		// The part goes out on its own, then the connection closes while the client still
		// waits for the rest of the Content-Length.
		Mono<String> close = Mono.delay(Duration.ofMillis(50))
			.then(Mono.fromRunnable(() -> response.withConnection((connection) -> connection.channel().close())));
		return response.status(200)
			.header("Content-Type", "application/json")
			.header("Content-Length", String.valueOf(part.length() + 1000))
			.sendString(Flux.just(part).concatWith(close))
			.then()
			.onErrorComplete();
	}

	private static Mono<Answer> delayed(Duration delay, Mono<Answer> answer) {
		return delay.isZero() ? answer : Mono.delay(delay).then(answer);
	}

	private Mono<String> body(HttpServerRequest request, Instant receivedAt) {
		// A client that goes away while sending its body is still in the journal. A cancel
		// also travels here after the body was read; then deliver() records the request.
		AtomicBoolean read = new AtomicBoolean();
		return request.receive()
			.aggregate()
			.asString(StandardCharsets.UTF_8)
			.defaultIfEmpty("")
			.doOnSuccess((body) -> read.set(true))
			.doOnCancel(() -> {
				if (read.compareAndSet(false, true)) {
					this.journal.record(request, "", receivedAt, 0);
				}
			});
	}

	private static String bearer(String authorization) {
		return (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7))
				? authorization.substring(7).trim() : null;
	}

	@Override
	public String toString() {
		return "EmbeddedCxone[" + baseUrl() + "]";
	}

}
