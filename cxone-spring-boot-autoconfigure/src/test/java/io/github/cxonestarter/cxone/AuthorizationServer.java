package io.github.cxonestarter.cxone;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

/**
 * A real OAuth2 authorization server (Spring Authorization Server) on a loopback port, for
 * tests of the token side. It knows two clients: {@link #CLIENT_ID} with a one-hour token,
 * and {@link #SHORT_LIVED_CLIENT_ID} whose tokens live {@link #SHORT_LIFETIME_SECONDS}
 * seconds. It records every token request it receives.
 */
public final class AuthorizationServer {

	public static final String CLIENT_ID = "sas-client";

	public static final String CLIENT_SECRET = "sas-secret-Zq8";

	public static final String SHORT_LIVED_CLIENT_ID = "sas-short-client";

	public static final String SHORT_LIVED_CLIENT_SECRET = "sas-short-secret-K2p";

	public static final int SHORT_LIFETIME_SECONDS = 4;

	private static final List<TokenRequest> tokenRequests = new CopyOnWriteArrayList<>();

	private static ConfigurableApplicationContext context;

	private static JwtDecoder jwtDecoder;

	private AuthorizationServer() {
	}

	/**
	 * Return the token endpoint of the shared server, starting it on first use.
	 * @return the token URI
	 */
	public static synchronized String tokenUri() {
		if (context == null) {
			context = start();
			Runtime.getRuntime().addShutdownHook(new Thread(context::close));
		}
		int port = ((WebServerApplicationContext) context).getWebServer().getPort();
		return "http://127.0.0.1:" + port + "/oauth2/token";
	}

	/**
	 * Return the token requests received for the given client ID.
	 * @param clientId the client ID
	 * @return the requests, oldest first
	 */
	public static List<TokenRequest> tokenRequests(String clientId) {
		return tokenRequests.stream().filter((request) -> clientId.equals(request.clientId())).toList();
	}

	/**
	 * Return whether the given access token is one the authorization server signed and
	 * has not expired, checked against its JWK set.
	 * @param token the token value
	 * @return whether it is valid now
	 */
	public static boolean isActive(String token) {
		try {
			jwtDecoder().decode(token);
			return true;
		}
		catch (JwtException ex) {
			return false;
		}
	}

	private static synchronized JwtDecoder jwtDecoder() {
		if (jwtDecoder == null) {
			jwtDecoder = NimbusJwtDecoder.withJwkSetUri(tokenUri().replace("/oauth2/token", "/oauth2/jwks")).build();
		}
		return jwtDecoder;
	}

	private static ConfigurableApplicationContext start() {
		String prefix = "spring.security.oauth2.authorizationserver.client.";
		return new SpringApplicationBuilder(Config.class).web(WebApplicationType.SERVLET)
			.properties("server.port=0", "server.address=127.0.0.1", "cxone.enabled=false", "spring.main.banner-mode=off",
					"management.endpoints.enabled-by-default=false",
					prefix + "main.registration.client-id=" + CLIENT_ID,
					prefix + "main.registration.client-secret={noop}" + CLIENT_SECRET,
					prefix + "main.registration.client-authentication-methods=client_secret_basic,client_secret_post",
					prefix + "main.registration.authorization-grant-types=client_credentials",
					prefix + "main.registration.scopes=default,reporting",
					prefix + "short.registration.client-id=" + SHORT_LIVED_CLIENT_ID,
					prefix + "short.registration.client-secret={noop}" + SHORT_LIVED_CLIENT_SECRET,
					prefix + "short.registration.client-authentication-methods=client_secret_basic",
					prefix + "short.registration.authorization-grant-types=client_credentials",
					prefix + "short.registration.scopes=default",
					prefix + "short.token.access-token-time-to-live=" + SHORT_LIFETIME_SECONDS + "s")
			.run();
	}

	/**
	 * A token request as the authorization server received it.
	 *
	 * @param clientId the client, from Basic authentication or the body
	 * @param authorizationScheme the scheme of the Authorization header, or {@code null}
	 * @param parameters the form parameters
	 * @param receivedAt when the request arrived, before the server looked at it
	 */
	public record TokenRequest(String clientId, String authorizationScheme, Map<String, String> parameters,
			Instant receivedAt) {

	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class Config {

		@Bean
		FilterRegistrationBean<Filter> tokenRequestRecorder() {
			Filter recorder = (request, response, chain) -> {
				HttpServletRequest http = (HttpServletRequest) request;
				if (http.getRequestURI().equals("/oauth2/token")) {
					record(http);
				}
				chain.doFilter(request, response);
			};
			FilterRegistrationBean<Filter> registration = new FilterRegistrationBean<>(recorder);
			registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
			return registration;
		}

		private static void record(HttpServletRequest request) {
			Instant receivedAt = Instant.now();
			String authorization = request.getHeader("Authorization");
			String scheme = (authorization != null) ? authorization.split(" ")[0] : null;
			String clientId = request.getParameter("client_id");
			if (clientId == null && "Basic".equalsIgnoreCase(scheme)) {
				String decoded = new String(java.util.Base64.getDecoder().decode(authorization.substring(6).trim()));
				clientId = decoded.substring(0, decoded.indexOf(':'));
			}
			Map<String, String> parameters = new java.util.TreeMap<>();
			request.getParameterMap().forEach((name, values) -> parameters.put(name, values[0]));
			tokenRequests.add(new TokenRequest(clientId, scheme, parameters, receivedAt));
		}

	}

}
