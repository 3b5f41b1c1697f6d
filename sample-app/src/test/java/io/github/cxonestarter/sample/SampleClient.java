package io.github.cxonestarter.sample;

import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * A client for the sample application's own server that opens a new connection for every
 * request. Reactor Netty's HTTP/1.1 server can leave a keep-alive request unanswered when
 * it arrives before the previous exchange has fully terminated (reactor-netty issue 4361):
 * on a loaded machine the fourth request of a test on one connection hung now and then.
 */
final class SampleClient {

	private SampleClient() {
	}

	static WebClient forPort(int port) {
		return WebClient.builder()
			.baseUrl("http://127.0.0.1:" + port)
			.clientConnector(new ReactorClientHttpConnector(HttpClient.create(ConnectionProvider.newConnection())))
			.build();
	}

}
