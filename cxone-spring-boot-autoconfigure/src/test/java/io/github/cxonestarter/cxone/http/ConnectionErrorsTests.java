package io.github.cxonestarter.cxone.http;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.github.cxonestarter.cxone.CxoneConnectionException;
import io.github.cxonestarter.cxone.CxoneConnectionException.Kind;
import io.github.cxonestarter.cxone.CxoneTestContexts;
import io.github.cxonestarter.cxone.CxoneTokenException;
import io.github.cxonestarter.cxone.CxoneWebClient;
import io.github.cxonestarter.cxone.test.EmbeddedCxone;
import io.github.cxonestarter.cxone.test.EmbeddedCxoneExtension;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.timeout.ReadTimeoutException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.web.reactive.function.client.WebClientRequestException;

import static io.github.cxonestarter.cxone.CxoneTestContexts.whoami;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * What a failure to connect says: the host and port tried, whether a proxy was on the
 * way, and the fix, as a typed error and never a raw Netty or WebClient exception. Real
 * refusals on loopback (a closed port, a proxy that is not running, a proxy that cannot
 * reach the host), and the wording of the failures loopback cannot produce (a connect
 * timeout, an unknown host) from the transport's own exception types.
 */
@ExtendWith(EmbeddedCxoneExtension.class)
class ConnectionErrorsTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	private static final URI API = URI.create("https://mycompany.api.nice.incontact.com/platform/v1/whoami");

	private EmbeddedCxone cxone;

	@BeforeEach
	void useCxone(EmbeddedCxone cxone) {
		this.cxone = cxone;
	}

	@Test
	void whenNothingListensAtTheApiHostThenTheTypedErrorNamesItsHostAndPortAndThatItWasDirect() throws IOException {
		int closed = closedPort();
		for (String property : List.of("cxone.retry.enabled=false", "cxone.retry.max-attempts=2")) {
			CxoneTestContexts.runner(this.cxone)
				.withPropertyValues("cxone.base-url=http://127.0.0.1:" + closed, property, "cxone.retry.initial-backoff=10ms")
				.run((context) -> assertThatExceptionOfType(CxoneConnectionException.class)
					.isThrownBy(() -> whoami(context.getBean(CxoneWebClient.class)).block(TIMEOUT))
					.satisfies((ex) -> {
						assertThat(ex.getKind()).isEqualTo(Kind.CONNECTION_FAILED);
						assertThat(ex.getHost()).isEqualTo("127.0.0.1");
						assertThat(ex.getPort()).isEqualTo(closed);
						assertThat(ex.isThroughProxy()).isFalse();
						assertThat(ex.getStatus()).isZero();
						assertThat(ex.getAttempts()).as(property).isEqualTo(property.contains("false") ? 1 : 2);
					})
					.withMessageContaining("127.0.0.1:" + closed + " directly (no proxy is configured)")
					.withMessageContaining("cxone.base-url (CXONE_BASE_URL)")
					.withMessageContaining("cxone.http.proxy.host"));
		}
	}

	@Test
	void whenARequestOptsOutOfRetriesThenItsConnectionFailureIsTypedToo() throws IOException {
		int closed = closedPort();
		CxoneTestContexts.runner(this.cxone).withPropertyValues("cxone.base-url=http://127.0.0.1:" + closed)
			.run((context) -> assertThatExceptionOfType(CxoneConnectionException.class)
				.isThrownBy(() -> context.getBean(CxoneWebClient.class)
					.get()
					.uri(EmbeddedCxone.WHOAMI_PATH)
					.attribute(CxoneWebClient.NO_RETRY, true)
					.retrieve()
					.toBodilessEntity()
					.block(TIMEOUT))
				.withMessageContaining("127.0.0.1:" + closed)
				.withCauseInstanceOf(WebClientRequestException.class));
	}

	@Test
	void whenTheProxyIsNotRunningThenTheTokenErrorSaysTheProxyCouldNotBeConnectedTo() throws IOException {
		int closed = closedPort();
		CxoneTestContexts.runner(this.cxone)
			.withPropertyValues("cxone.http.proxy.host=127.0.0.1", "cxone.http.proxy.port=" + closed,
					"cxone.token.max-attempts=2")
			.run((context) -> assertThatExceptionOfType(CxoneTokenException.class)
				.isThrownBy(() -> whoami(context.getBean(CxoneWebClient.class)).block(TIMEOUT))
				.satisfies((ex) -> {
					assertThat(ex.getReason()).isEqualTo(CxoneTokenException.Reason.UNREACHABLE);
					assertThat(ex.getCause()).isInstanceOfSatisfying(CxoneConnectionException.class, (connection) -> {
						assertThat(connection.getProxy()).isEqualTo("127.0.0.1:" + closed);
						assertThat(connection.getPort()).isEqualTo(this.cxone.port());
					});
				})
				.withMessageContaining("The proxy 127.0.0.1:" + closed + " (cxone.http.proxy.*) could not be connected "
						+ "to on the way to 127.0.0.1:" + this.cxone.port())
				.withMessageContaining(this.cxone.tokenUri()));
		assertThat(this.cxone.tokenRequestCount()).isZero();
	}

	@Test
	void whenTheProxyCannotReachTheHostThenItsAnswerIsNamedAndTheCallIsRetried() throws IOException {
		int closed = closedPort();
		try (ForwardProxy proxy = ForwardProxy.start()) {
			CxoneTestContexts.runner(this.cxone)
				.withPropertyValues("cxone.base-url=http://127.0.0.1:" + closed, "cxone.http.proxy.host=127.0.0.1",
						"cxone.http.proxy.port=" + proxy.port(), "cxone.http.proxy.non-proxy-hosts=127.0.0.1:"
								+ this.cxone.port(), "cxone.retry.max-attempts=2", "cxone.retry.initial-backoff=10ms")
				.run((context) -> assertThatExceptionOfType(CxoneConnectionException.class)
					.isThrownBy(() -> whoami(context.getBean(CxoneWebClient.class)).block(TIMEOUT))
					.satisfies((ex) -> {
						assertThat(ex.getKind()).isEqualTo(Kind.PROXY_REFUSED);
						assertThat(ex.isTransient()).isTrue();
						assertThat(ex.getAttempts()).isEqualTo(2);
					})
					.withMessageContaining("refused to open a tunnel to 127.0.0.1:" + closed + ": it answered 502"));
		}
	}

	@Test
	void whenConnectingToTheApiHostTimesOutThenTheTypedErrorNamesItsHostAndPortAndHowToSetAProxy() throws IOException {
		// A listener whose accept queue is full: the kernel drops further SYNs, so a connect
		// times out on loopback as it does against a firewall that drops packets.
		try (ServerSocket blackHole = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			List<Socket> queued = new ArrayList<>();
			try {
				boolean full = false;
				for (int i = 0; i < 10 && !full; i++) {
					Socket socket = new Socket();
					try {
						socket.connect(blackHole.getLocalSocketAddress(), 300);
						queued.add(socket);
					}
					catch (SocketTimeoutException ex) {
						socket.close();
						full = true;
					}
				}
				assertThat(full).as("the accept queue filled up").isTrue();
				CxoneTestContexts.runner(this.cxone)
					.withPropertyValues("cxone.base-url=http://127.0.0.1:" + blackHole.getLocalPort(),
							"cxone.http.connect-timeout=300ms", "cxone.retry.enabled=false")
					.run((context) -> assertThatExceptionOfType(CxoneConnectionException.class)
						.isThrownBy(() -> whoami(context.getBean(CxoneWebClient.class)).block(TIMEOUT))
						.satisfies((ex) -> {
							assertThat(ex.getKind()).isEqualTo(Kind.CONNECT_TIMEOUT);
							assertThat(ex.getPort()).isEqualTo(blackHole.getLocalPort());
							assertThat(ex.isThroughProxy()).isFalse();
						})
						.withMessageContaining("Connecting to 127.0.0.1:" + blackHole.getLocalPort()
								+ " directly (no proxy is configured) timed out after cxone.http.connect-timeout (300 ms)")
						.withMessageContaining("cxone.http.proxy.host"));
			}
			finally {
				for (Socket socket : queued) {
					socket.close();
				}
			}
		}
	}

	@Test
	void whenTheConnectTimesOutThenTheErrorSaysWhetherAProxyWasOnTheWayAndHowToSetOne() {
		ConnectTimeoutException timeout = new ConnectTimeoutException("connection timed out after 5000 ms");
		assertThat(failures(null).classify(wrapped(timeout), API)).satisfies((ex) -> {
			assertThat(ex.getKind()).isEqualTo(Kind.CONNECT_TIMEOUT);
			assertThat(ex.isTransient()).isTrue();
			assertThat(ex.getMessage()).contains("Connecting to mycompany.api.nice.incontact.com:443 directly",
					"timed out after cxone.http.connect-timeout (5000 ms)",
					"set cxone.http.proxy.host and cxone.http.proxy.port");
		});
		CxoneProxy proxy = CxoneProxy.of("proxy.corp.example", 3128, null, null, List.of());
		assertThat(failures(proxy).classify(wrapped(timeout), API)).satisfies((ex) -> {
			assertThat(ex.getProxy()).isEqualTo("proxy.corp.example:3128");
			assertThat(ex.getMessage()).contains("Connecting to the proxy proxy.corp.example:3128 "
					+ "(cxone.http.proxy.*) on the way to mycompany.api.nice.incontact.com:443 timed out");
		});
	}

	@Test
	void whenTheHostNameDoesNotResolveOrNoAnswerComesThenTheErrorSaysSo() {
		assertThat(failures(null).classify(wrapped(new UnknownHostException("mycompany.api.nice.incontact.com")), API))
			.satisfies((ex) -> {
				assertThat(ex.getKind()).isEqualTo(Kind.UNKNOWN_HOST);
				assertThat(ex.getMessage()).contains("The host name mycompany.api.nice.incontact.com could not be "
						+ "resolved", "cxone.base-url (CXONE_BASE_URL)");
			});
		assertThat(failures(null).classify(wrapped(ReadTimeoutException.INSTANCE), API)).satisfies((ex) -> {
			assertThat(ex.getKind()).isEqualTo(Kind.RESPONSE_TIMEOUT);
			assertThat(ex.getMessage()).contains("sent no answer within cxone.http.response-timeout (30000 ms)");
		});
		assertThat(failures(null).classify(new IllegalStateException("not the network's"), API)).isNull();
	}

	@Test
	void whenAHostIsANonProxyHostThenTheErrorSaysItWasReachedDirectlyAndWhy() {
		CxoneProxy proxy = CxoneProxy.of("proxy.corp.example", 3128, null, null, List.of("*.nice.incontact.com"));
		CxoneConnectionException ex = failures(proxy).classify(wrapped(new java.net.ConnectException("refused")), API);
		assertThat(ex.isThroughProxy()).isFalse();
		assertThat(ex.getMessage()).contains("directly (it is one of the non-proxy hosts of cxone.http.proxy.*)");
	}

	private static ConnectionFailures failures(CxoneProxy proxy) {
		return new ConnectionFailures(new CxoneHttpSettings(Duration.ofSeconds(5), Duration.ofSeconds(30), proxy, null,
				null), "cxone.base-url (CXONE_BASE_URL)");
	}

	private static WebClientRequestException wrapped(Throwable cause) {
		return new WebClientRequestException(cause, HttpMethod.GET, API, new HttpHeaders());
	}

	private static int closedPort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

}
