package io.github.cxonestarter.cxone.http;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

import io.github.cxonestarter.cxone.CxoneConnectionException;
import io.github.cxonestarter.cxone.CxoneConnectionException.Kind;
import io.github.cxonestarter.cxone.CxoneTestContexts;
import io.github.cxonestarter.cxone.CxoneTlsException;
import io.github.cxonestarter.cxone.CxoneTokenException;
import io.github.cxonestarter.cxone.CxoneWebClient;
import io.github.cxonestarter.cxone.test.EmbeddedCxone;
import io.github.cxonestarter.cxone.test.EmbeddedCxoneExtension;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.timeout.ReadTimeoutException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.netty.http.client.HttpClient;
import reactor.netty.transport.ProxyProvider;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.client.reactive.ClientHttpConnector;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
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

	private static final String BASE_URL = "cxone.base-url (CXONE_BASE_URL)";

	private EmbeddedCxone cxone;

	@BeforeEach
	void useCxone(EmbeddedCxone cxone) {
		this.cxone = cxone;
	}

	@Test
	void whenNothingListensAtTheApiHostThenTheTypedErrorNamesItsHostAndPortAndThatItWasDirect() {
		int closed = LoopbackSocketServer.closedPort();
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
	void whenARequestOptsOutOfRetriesThenItsConnectionFailureIsTypedToo() {
		int closed = LoopbackSocketServer.closedPort();
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
	void whenAPostCannotConnectThenItIsRetriedAsNothingWasSent() {
		int closed = LoopbackSocketServer.closedPort();
		CxoneTestContexts.runner(this.cxone)
			.withPropertyValues("cxone.base-url=http://127.0.0.1:" + closed, "cxone.retry.max-attempts=3",
					"cxone.retry.initial-backoff=10ms")
			.run((context) -> assertThatExceptionOfType(CxoneConnectionException.class)
				.isThrownBy(() -> context.getBean(CxoneWebClient.class)
					.post()
					.uri(EmbeddedCxone.ECHO_PREFIX + "/never-sent")
					.bodyValue("{\"a\":1}")
					.retrieve()
					.toBodilessEntity()
					.block(TIMEOUT))
				.satisfies((ex) -> {
					assertThat(ex.getAttempts()).isEqualTo(3);
					assertThat(ex.mayHaveBeenSent()).isFalse();
				})
				.withMessageNotContaining("may have acted"));
	}

	@Test
	void whenTheApplicationsOwnConnectorGoesThroughAProxyThatRefusesThenTheErrorIsTypedAndNamesIt() {
		try (ForwardProxy guarded = ForwardProxy.start("corp-user", "proxy-secret")) {
			ClientHttpConnector own = new ReactorClientHttpConnector(HttpClient.create()
				.proxy((spec) -> spec.type(ProxyProvider.Proxy.HTTP).host("127.0.0.1").port(guarded.port())));
			CxoneTestContexts.runner(this.cxone)
				.withBean("cxoneClientHttpConnector", ClientHttpConnector.class, () -> own)
				.withPropertyValues("cxone.token.max-attempts=1")
				.run((context) -> assertThatExceptionOfType(CxoneTokenException.class)
					.isThrownBy(() -> whoami(context.getBean(CxoneWebClient.class)).block(TIMEOUT))
					.satisfies((ex) -> {
						assertThat(ex.getReason()).isEqualTo(CxoneTokenException.Reason.PROXY_REFUSED);
						assertThat(ex.getCause()).isInstanceOfSatisfying(CxoneConnectionException.class,
								(connection) -> assertThat(connection.getProxy()).isEqualTo("127.0.0.1:" + guarded.port()));
					})
					.withMessageContaining("answered 407")
					.withMessageContaining("the application's own connector"));
			assertThat(guarded.refused()).isEqualTo(1);
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
		assertThat(failures(null).classify(wrapped(timeout), API, BASE_URL)).satisfies((ex) -> {
			assertThat(ex.getKind()).isEqualTo(Kind.CONNECT_TIMEOUT);
			assertThat(ex.isTransient()).isTrue();
			assertThat(ex.getMessage()).contains("Connecting to mycompany.api.nice.incontact.com:443 directly",
					"timed out after cxone.http.connect-timeout (5000 ms)",
					"set cxone.http.proxy.host and cxone.http.proxy.port");
		});
		CxoneProxy proxy = CxoneProxy.of("proxy.corp.example", 3128, null, null, List.of());
		assertThat(failures(proxy).classify(wrapped(timeout), API, BASE_URL)).satisfies((ex) -> {
			assertThat(ex.getProxy()).isEqualTo("proxy.corp.example:3128");
			assertThat(ex.getMessage()).contains("Connecting to the proxy proxy.corp.example:3128 "
					+ "(cxone.http.proxy.*) on the way to mycompany.api.nice.incontact.com:443 timed out");
		});
	}

	@Test
	void whenTheHostNameDoesNotResolveOrNoAnswerComesThenTheErrorSaysSo() {
		assertThat(failures(null).classify(wrapped(new UnknownHostException("mycompany.api.nice.incontact.com")), API,
				BASE_URL))
			.satisfies((ex) -> {
				assertThat(ex.getKind()).isEqualTo(Kind.UNKNOWN_HOST);
				assertThat(ex.getMessage()).contains("The host name mycompany.api.nice.incontact.com could not be "
						+ "resolved", "cxone.base-url (CXONE_BASE_URL)");
			});
		assertThat(failures(null).classify(wrapped(ReadTimeoutException.INSTANCE), API, BASE_URL)).satisfies((ex) -> {
			assertThat(ex.getKind()).isEqualTo(Kind.RESPONSE_TIMEOUT);
			assertThat(ex.getMessage()).contains("sent no answer within cxone.http.response-timeout (30000 ms)");
		});
		assertThat(failures(null).classify(new IllegalStateException("not the network's"), API, BASE_URL)).isNull();
	}

	@Test
	void whenAHostIsANonProxyHostThenTheErrorSaysItWasReachedDirectlyAndWhy() {
		CxoneProxy proxy = CxoneProxy.of("proxy.corp.example", 3128, null, null, List.of("*.nice.incontact.com"));
		CxoneConnectionException ex = failures(proxy).classify(wrapped(new ConnectException("refused")), API, BASE_URL);
		assertThat(ex.isThroughProxy()).isFalse();
		assertThat(ex.getMessage()).contains("directly (it is loopback, or one of the non-proxy hosts of "
				+ "cxone.http.proxy.*)");
	}

	@Test
	void whenATrustManagerRefusesTheChainInItsOwnWordsThenItIsAnUntrustedCertificateNotAHostNameMismatch() {
		// SunX509's words, and a signature that does not match: not trusted, never retried.
		for (String words : List.of("No trusted certificate found", "Signature does not match.")) {
			SSLHandshakeException handshake = new SSLHandshakeException("PKIX failed");
			handshake.initCause(new CertificateException(words));
			CxoneConnectionException ex = failures(null).classify(wrapped(handshake), API, BASE_URL);
			assertThat(ex).isInstanceOfSatisfying(CxoneTlsException.class, (tls) -> {
				assertThat(tls.getProblem()).as(words).isEqualTo(CxoneTlsException.Problem.UNTRUSTED_CERTIFICATE);
				assertThat(tls.isTransient()).isFalse();
			});
		}
		SSLHandshakeException mismatch = new SSLHandshakeException("No subject alternative DNS name matching x found.");
		mismatch.initCause(new CertificateException("No subject alternative DNS name matching x found."));
		assertThat(failures(null).classify(wrapped(mismatch), API, BASE_URL)).isInstanceOfSatisfying(
				CxoneTlsException.class,
				(tls) -> assertThat(tls.getProblem()).isEqualTo(CxoneTlsException.Problem.HOST_NAME_MISMATCH));
		// A handshake the peer cut short may work the next time.
		assertThat(failures(null).classify(wrapped(new SSLHandshakeException("Connection closed")), API, BASE_URL))
			.isInstanceOfSatisfying(CxoneTlsException.class, (tls) -> {
				assertThat(tls.getProblem()).isEqualTo(CxoneTlsException.Problem.HANDSHAKE_FAILED);
				assertThat(tls.isTransient()).isTrue();
			});
	}

	@Test
	void whenTheTlsConnectionBreaksAfterItsHandshakeThenTheRequestMayHaveBeenSent() {
		// Netty's "Tag mismatch" on a record that arrives after the request went out.
		CxoneConnectionException ex = failures(null).classify(
				wrapped(new DecoderException(new SSLException("Tag mismatch"))), API, BASE_URL);
		assertThat(ex).isNotInstanceOf(CxoneTlsException.class);
		assertThat(ex.getKind()).isEqualTo(Kind.CONNECTION_CLOSED);
		assertThat(ex.isTransient()).isTrue();
		assertThat(ex.mayHaveBeenSent()).isTrue();
		assertThat(ex.getMessage()).contains("broke after its handshake");
	}

	private static ConnectionFailures failures(CxoneProxy proxy) {
		return new ConnectionFailures(new CxoneHttpSettings(Duration.ofSeconds(5), Duration.ofSeconds(30), proxy, null,
				null), Duration.ofMinutes(1));
	}

	private static WebClientRequestException wrapped(Throwable cause) {
		return new WebClientRequestException(cause, HttpMethod.GET, API, new HttpHeaders());
	}

}
