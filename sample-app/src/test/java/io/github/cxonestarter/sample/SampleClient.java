package io.github.cxonestarter.sample;

import org.springframework.web.reactive.function.client.WebClient;

/**
 * A client for the sample application's own server, on pooled keep-alive connections. Up to
 * Reactor Netty 1.3.7 the HTTP/1.1 server could leave a keep-alive request unanswered when it
 * arrived before the previous exchange had fully terminated (reactor-netty issue 4361), so this
 * client opened a new connection per request; 1.3.8, which Boot 4.0.9 and 4.1.2 bring, fixes it.
 */
final class SampleClient {

	private SampleClient() {
	}

	static WebClient forPort(int port) {
		return WebClient.create("http://127.0.0.1:" + port);
	}

}
