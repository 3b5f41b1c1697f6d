package io.github.cxonestarter.cxone.test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

import io.netty.handler.codec.http.HttpHeaderNames;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reactor Netty's HTTP/1.1 server up to 1.3.7 left a keep-alive request unanswered when it
 * had been queued behind a slower exchange and was then answered at once (reactor-netty
 * issue 4361), which once made the tests (whose applications and {@link EmbeddedCxone} run
 * on that server) open a new connection per request. This test fails on a Reactor Netty
 * with the race (30 of 30 connections hang on 1.3.6), so that the tests' pooled
 * connections can be trusted.
 */
class KeepAliveTests {

	@Test
	void whenRequestsArrivePipelinedOnOneKeepAliveConnectionThenEveryOneIsAnswered() throws IOException {
		DisposableServer server = HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.handle((request, response) -> {
				response.header(HttpHeaderNames.CONTENT_LENGTH, "2");
				// The first answer is late, so the second request waits in the server's queue.
				return request.uri().equals("/first") ? response.sendString(Mono.delay(Duration.ofMillis(50)).thenReturn("ok"))
						: response.sendString(Mono.just("ok"));
			})
			.bindNow();
		try {
			int answered = 0;
			for (int connection = 0; connection < 10; connection++) {
				try (Socket socket = new Socket("127.0.0.1", server.port())) {
					socket.setSoTimeout(5000);
					socket.setTcpNoDelay(true);
					OutputStream out = socket.getOutputStream();
					InputStream in = socket.getInputStream();
					out.write((request("/first") + request("/second")).getBytes(StandardCharsets.US_ASCII));
					out.flush();
					readResponse(in);
					readResponse(in);
					out.write(request("/third").getBytes(StandardCharsets.US_ASCII));
					out.flush();
					readResponse(in);
					answered++;
				}
			}
			assertThat(answered).isEqualTo(10);
		}
		finally {
			server.disposeNow();
		}
	}

	private static String request(String path) {
		return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
	}

	/**
	 * Read one response whose body has a Content-Length; a read timeout fails the test.
	 */
	private static void readResponse(InputStream in) throws IOException {
		StringBuilder head = new StringBuilder();
		while (!head.toString().endsWith("\r\n\r\n")) {
			int read = in.read();
			assertThat(read).as("the connection stays open").isNotNegative();
			head.append((char) read);
		}
		String headers = head.toString().toLowerCase(Locale.ROOT);
		int at = headers.indexOf("content-length:");
		int length = Integer.parseInt(headers.substring(at + 15, headers.indexOf("\r\n", at)).trim());
		assertThat(in.readNBytes(length)).hasSize(length);
	}

}
