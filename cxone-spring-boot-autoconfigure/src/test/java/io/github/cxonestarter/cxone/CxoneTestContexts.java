package io.github.cxonestarter.cxone;

import io.github.cxonestarter.cxone.autoconfigure.CxoneAutoConfiguration;
import io.github.cxonestarter.cxone.test.EmbeddedCxone;
import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Application contexts with the starter pointed at an {@link EmbeddedCxone}.
 */
public final class CxoneTestContexts {

	private CxoneTestContexts() {
	}

	/**
	 * Return a context runner with the starter's auto-configuration and no properties.
	 * @return the runner
	 */
	public static ApplicationContextRunner runner() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(WebClientAutoConfiguration.class, RestClientAutoConfiguration.class,
					CxoneAutoConfiguration.class));
	}

	/**
	 * Return a context runner whose {@code cxone.*} properties point at the given server,
	 * with short backoffs.
	 * @param cxone the server
	 * @return the runner
	 */
	public static ApplicationContextRunner runner(EmbeddedCxone cxone) {
		return runner().withPropertyValues("cxone.base-url=" + cxone.baseUrl(), "cxone.token-uri=" + cxone.tokenUri(),
				"cxone.client-id=" + EmbeddedCxone.CLIENT_ID, "cxone.client-secret=" + EmbeddedCxone.CLIENT_SECRET,
				"cxone.token.initial-backoff=50ms");
	}

	/**
	 * Return a client for an application's own server (its actuator endpoints), on pooled
	 * keep-alive connections. Reactor Netty 1.3.8 fixed the HTTP/1.1 server race that left a
	 * keep-alive request unanswered (reactor-netty issue 4361), for which this client used to
	 * open a new connection per request.
	 * @param baseUrl the application's base URL
	 * @return the client
	 */
	public static WebClient localClient(String baseUrl) {
		return WebClient.create(baseUrl);
	}

	/**
	 * Return the messages of a failure and all its causes, one per line, to look for a
	 * secret in all of them.
	 * @param failure the failure
	 * @return the messages
	 */
	public static String messages(Throwable failure) {
		StringBuilder all = new StringBuilder();
		for (Throwable t = failure; t != null; t = t.getCause()) {
			all.append(t).append('\n');
		}
		return all.toString();
	}

	/**
	 * Call "who am I" through the client.
	 * @param client the client
	 * @return the answer's body
	 */
	public static Mono<String> whoami(CxoneWebClient client) {
		return client.get().uri(EmbeddedCxone.WHOAMI_PATH).retrieve().bodyToMono(String.class);
	}

	/**
	 * Call "who am I" through the blocking client.
	 * @param client the client
	 * @return the answer's body
	 */
	public static String whoami(CxoneRestClient client) {
		return client.get().uri(EmbeddedCxone.WHOAMI_PATH).retrieve().body(String.class);
	}

}
