package io.github.cxonestarter.cxone.web;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import com.sun.net.httpserver.HttpServer;
import io.github.cxonestarter.cxone.CxoneApiException;
import io.github.cxonestarter.cxone.CxoneAuthenticationException;
import io.github.cxonestarter.cxone.CxoneBlockingCallException;
import io.github.cxonestarter.cxone.CxoneForeignHostException;
import io.github.cxonestarter.cxone.CxoneRateLimitException;
import io.github.cxonestarter.cxone.CxoneRestClient;
import io.github.cxonestarter.cxone.CxoneTestContexts;
import io.github.cxonestarter.cxone.test.EmbeddedCxone;
import io.github.cxonestarter.cxone.test.EmbeddedCxoneExtension;
import io.github.cxonestarter.cxone.test.InjectedFault;
import io.github.cxonestarter.cxone.test.RecordedRequest;
import io.github.cxonestarter.cxone.token.BlockingAuthorizedClientManager;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.security.oauth2.client.web.client.OAuth2ClientHttpRequestInterceptor;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;

import static io.github.cxonestarter.cxone.CxoneTestContexts.messages;
import static io.github.cxonestarter.cxone.CxoneTestContexts.whoami;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;
import static org.springframework.security.oauth2.client.web.client.RequestAttributeClientRegistrationIdResolver.clientRegistrationId;

/**
 * What an adversarial review found on the blocking path, each kept fixed: body writers
 * that callers on {@code boundedElastic} cannot starve, failures that are not the
 * network's, interrupts, huge error bodies, the replay limit, passwords in URLs, bodies
 * that break off, and Spring Security's interceptor after a revoke.
 */
@ExtendWith(EmbeddedCxoneExtension.class)
class RestClientHardeningTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private EmbeddedCxone cxone;

	@BeforeEach
	void useCxone(EmbeddedCxone cxone) {
		this.cxone = cxone;
	}

	private ApplicationContextRunner runner() {
		return CxoneTestContexts.runner(this.cxone).withPropertyValues("cxone.retry.initial-backoff=20ms");
	}

	@Test
	void whenEveryBoundedElasticThreadIsACallerThenTheirBodiesAreStillWritten() {
		runner().withPropertyValues("cxone.http.response-timeout=5s").run((context) -> {
			CxoneRestClient client = context.getBean(CxoneRestClient.class);
			whoami(client);
			// Every boundedElastic thread holds a caller when the bodies are written: they must be written elsewhere.
			int callers = Schedulers.DEFAULT_BOUNDED_ELASTIC_SIZE;
			CountDownLatch allRunning = new CountDownLatch(callers);
			List<String> answers = Flux.range(0, callers).flatMap((i) -> Mono.fromCallable(() -> {
				allRunning.countDown();
				allRunning.await();
				return client.post().uri(EmbeddedCxone.ECHO_PREFIX).body(Map.of("i", i)).retrieve().body(String.class);
			}).subscribeOn(Schedulers.boundedElastic()), callers).collectList().block(Duration.ofSeconds(60));
			assertThat(answers).hasSize(callers);
			assertThat(this.cxone.apiRequests()).filteredOn((request) -> "POST".equals(request.method())).hasSize(callers);
		});
	}

	@Test
	void whenAHeaderValueIsInvalidThenTheErrorIsRestClientsOwnAndNothingIsRetried() {
		runner().run((context) -> {
			CxoneRestClient client = context.getBean(CxoneRestClient.class);
			whoami(client);
			Throwable failure = catchThrowable(() -> client.get().uri(EmbeddedCxone.WHOAMI_PATH)
				.header("X-Note", "a\r\nInjected: yes").retrieve().body(String.class));
			assertThat(failure).isInstanceOf(ResourceAccessException.class);
			assertThat(messages(failure)).contains("IllegalArgumentException").doesNotContain("attempts");
			assertThat(this.cxone.apiRequestCount()).isEqualTo(1);
		});
	}

	@Test
	void whenTheCallerIsInterruptedWhileItWaitsForTheAnswerThenItStopsKeepingItsInterruptFlag() {
		runner().run((context) -> {
			CxoneRestClient client = context.getBean(CxoneRestClient.class);
			whoami(client);
			this.cxone.apiDelay(Duration.ofSeconds(3));
			AtomicReference<Throwable> failure = new AtomicReference<>();
			AtomicBoolean interrupted = new AtomicBoolean();
			Thread caller = new Thread(() -> {
				failure.set(catchThrowable(() -> whoami(client)));
				interrupted.set(Thread.currentThread().isInterrupted());
			});
			caller.start();
			// The token is held: the only wait is for the answer.
			await().atMost(TIMEOUT).until(() -> caller.getState() == Thread.State.WAITING);
			caller.interrupt();
			caller.join(TIMEOUT.toMillis());
			assertThat(failure.get()).isInstanceOf(CxoneBlockingCallException.class)
				.hasMessageContaining("interrupted while it waited for CXone's answer to GET " + EmbeddedCxone.WHOAMI_PATH);
			assertThat(interrupted).isTrue();
			this.cxone.apiDelay(Duration.ZERO);
		});
	}

	@Test
	void whenTheCallerIsInterruptedWhileItWaitsOutRetryAfterThenItIsToldSoAndNothingMoreIsSent() {
		runner().run((context) -> {
			CxoneRestClient client = context.getBean(CxoneRestClient.class);
			whoami(client);
			this.cxone.enqueueApiFaults(1, 429, "10");
			AtomicReference<Throwable> failure = new AtomicReference<>();
			AtomicBoolean interrupted = new AtomicBoolean();
			Thread caller = new Thread(() -> {
				failure.set(catchThrowable(() -> whoami(client)));
				interrupted.set(Thread.currentThread().isInterrupted());
			});
			caller.start();
			await().atMost(TIMEOUT)
				.until(() -> this.cxone.apiRequestCount() == 2 && caller.getState() == Thread.State.TIMED_WAITING);
			caller.interrupt();
			caller.join(TIMEOUT.toMillis());
			assertThat(failure.get()).isInstanceOf(CxoneBlockingCallException.class)
				.hasMessageContaining("interrupted while it waited to send GET " + EmbeddedCxone.WHOAMI_PATH + " again")
				.hasCauseInstanceOf(CxoneRateLimitException.class);
			assertThat(interrupted).isTrue();
			assertThat(this.cxone.apiRequests()).extracting(RecordedRequest::status).containsExactly(200, 429);
		});
	}

	@Test
	void whenAFailedAnswerHasAHugeBodyThenAtMost256KiBOfItIsKept() throws Exception {
		byte[] megabyte = new byte[1024 * 1024];
		Arrays.fill(megabyte, (byte) 'x');
		HttpServer api = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
		api.setExecutor(Executors.newCachedThreadPool());
		api.createContext("/", (exchange) -> {
			exchange.getRequestBody().readAllBytes();
			exchange.getResponseHeaders().set("Content-Type", "text/plain");
			exchange.sendResponseHeaders(503, 32L * megabyte.length);
			try (OutputStream out = exchange.getResponseBody()) {
				for (int i = 0; i < 32; i++) {
					out.write(megabyte);
				}
			}
		});
		api.start();
		try {
			runner().withPropertyValues("cxone.base-url=http://127.0.0.1:" + api.getAddress().getPort(),
					"cxone.retry.max-attempts=2")
				.run((context) -> {
					CxoneRestClient client = context.getBean(CxoneRestClient.class);
					assertThatExceptionOfType(CxoneApiException.class)
						.isThrownBy(() -> client.get().uri("/huge").retrieve().body(String.class))
						.satisfies((ex) -> {
							assertThat(ex.getAttempts()).isEqualTo(2);
							assertThat(ex.getResponseBody()).hasSize(256 * 1024);
						});
				});
		}
		finally {
			api.stop(0);
		}
	}

	@Test
	void whenABodyIsLargerThanTheReplayLimitThenA429IsNotRetriedAndTheErrorSaysWhy() {
		runner().withPropertyValues("cxone.http.max-replay-body-size=1KB").run((context) -> {
			CxoneRestClient client = context.getBean(CxoneRestClient.class);
			this.cxone.enqueueApiFaults(EmbeddedCxone.ECHO_PREFIX, 1, 429, "0");
			assertThatExceptionOfType(CxoneRateLimitException.class)
				.isThrownBy(() -> client.post().uri(EmbeddedCxone.ECHO_PREFIX).body(Map.of("blob", "x".repeat(4096)))
					.retrieve().body(String.class))
				.withMessageContaining("cxone.http.max-replay-body-size (1024 bytes)");
			assertThat(this.cxone.apiRequestCount()).isEqualTo(1);
		});
	}

	@Test
	void whenABodyIsLargerThanTheReplayLimitThenA401IsNotReplayedButTheTokenIsStillReplaced() {
		runner().withPropertyValues("cxone.http.max-replay-body-size=1KB").run((context) -> {
			CxoneRestClient client = context.getBean(CxoneRestClient.class);
			whoami(client);
			this.cxone.revokeAllTokens();
			assertThatExceptionOfType(CxoneAuthenticationException.class)
				.isThrownBy(() -> client.post().uri(EmbeddedCxone.ECHO_PREFIX).body(Map.of("blob", "x".repeat(4096)))
					.retrieve().body(String.class))
				.withMessageContaining("was not sent again")
				.withMessageContaining("cxone.http.max-replay-body-size");
			assertThat(this.cxone.apiRequests()).extracting(RecordedRequest::status).containsExactly(200, 401);
			assertThat(this.cxone.tokenRequestCount()).isEqualTo(2);
			whoami(client);
			assertThat(this.cxone.tokenRequestCount()).isEqualTo(2);
		});
	}

	@Test
	void whenAForeignUrlCarriesAPasswordThenTheRefusalNeverQuotesIt() {
		runner().run((context) -> {
			CxoneRestClient client = context.getBean(CxoneRestClient.class);
			assertThatExceptionOfType(CxoneForeignHostException.class)
				.isThrownBy(() -> client.get().uri("http://app:Pa55word@other.invalid:8080/x?key=QuerySecret").retrieve()
					.body(String.class))
				.satisfies((ex) -> assertThat(messages(ex)).doesNotContain("Pa55word")
					.doesNotContain("QuerySecret")
					.contains("http://other.invalid:8080/x"));
		});
	}

	@Test
	void whenAnAnswerBreaksOffMidBodyThenTheErrorIsSpringsOwnNotReactorsInternalOne() {
		runner().run((context) -> {
			CxoneRestClient client = context.getBean(CxoneRestClient.class);
			whoami(client);
			this.cxone.enqueueApiFaults(EmbeddedCxone.WHOAMI_PATH, 1, InjectedFault.closeMidResponse());
			Throwable failure = catchThrowable(() -> whoami(client));
			assertThat(failure).isInstanceOf(RestClientException.class).hasRootCauseInstanceOf(IOException.class);
			assertThat(failure.getClass().getName()).doesNotContain("reactor");
			assertThat(this.cxone.apiRequestCount()).isEqualTo(2);
		});
	}

	@Test
	void whenAGetHasNoBodyThenItIsSentWithoutContentLengthAsWebClientSendsIt() {
		runner().run((context) -> {
			CxoneRestClient client = context.getBean(CxoneRestClient.class);
			whoami(client);
			client.post().uri(EmbeddedCxone.ECHO_PREFIX).retrieve().body(String.class);
			// By method, not by place: a late request of an earlier test may be in the journal too.
			List<RecordedRequest> requests = this.cxone.apiRequests();
			assertThat(requests).filteredOn((request) -> request.method().equals("GET"))
				.isNotEmpty()
				.allSatisfy((get) -> assertThat(get.header("Content-Length")).isNull());
			assertThat(requests).filteredOn((request) -> request.method().equals("POST"))
				.singleElement()
				.satisfies((post) -> assertThat(post.header("Content-Length")).isEqualTo("0"));
		});
	}

	@Test
	void whenTheApplicationHasTwoRestClientBuildersThenItStartsAndCxoneRestClientWorks() {
		runner().withUserConfiguration(TwoBuildersConfiguration.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(whoami(context.getBean(CxoneRestClient.class))).contains("Embedded CXone API Key");
		});
	}

	@Test
	void whenSpringSecuritysInterceptorHasTheStartersFailureHandlerThenARevokedTokenIsReplacedForTheNextCall() {
		runner().withUserConfiguration(SecurityInterceptorConfiguration.class).run((context) -> {
			RestClient secured = context.getBean("securedRestClient", RestClient.class);
			secured.get().uri(EmbeddedCxone.WHOAMI_PATH).attributes(clientRegistrationId("cxone")).retrieve()
				.body(String.class);
			this.cxone.revokeAllTokens();
			// Spring Security's interceptor does not replay: this call gets its 401.
			catchThrowable(() -> secured.get().uri(EmbeddedCxone.WHOAMI_PATH).attributes(clientRegistrationId("cxone"))
				.retrieve().body(String.class));
			await().atMost(TIMEOUT).until(() -> this.cxone.tokenRequestCount() == 2);
			secured.get().uri(EmbeddedCxone.WHOAMI_PATH).attributes(clientRegistrationId("cxone")).retrieve()
				.body(String.class);
			assertThat(this.cxone.apiRequests()).extracting(RecordedRequest::status).containsExactly(200, 401, 200);
			// A second revoke: the replacement was confirmed by the call that passed, so it is replaced too.
			this.cxone.revokeAllTokens();
			catchThrowable(() -> secured.get().uri(EmbeddedCxone.WHOAMI_PATH).attributes(clientRegistrationId("cxone"))
				.retrieve().body(String.class));
			await().atMost(TIMEOUT).until(() -> this.cxone.tokenRequestCount() == 3);
			secured.get().uri(EmbeddedCxone.WHOAMI_PATH).attributes(clientRegistrationId("cxone")).retrieve()
				.body(String.class);
			assertThat(this.cxone.apiRequests()).extracting(RecordedRequest::status)
				.containsExactly(200, 401, 200, 401, 200);
			// CxoneRestClient has the new token too.
			whoami(context.getBean(CxoneRestClient.class));
			assertThat(this.cxone.tokenRequestCount()).isEqualTo(3);
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class TwoBuildersConfiguration {

		@Bean
		RestClient.Builder firstBuilder() {
			return RestClient.builder();
		}

		@Bean
		RestClient.Builder secondBuilder() {
			return RestClient.builder();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class SecurityInterceptorConfiguration {

		@Bean
		RestClient securedRestClient(
				@Qualifier("cxoneBlockingAuthorizedClientManager") BlockingAuthorizedClientManager manager,
				Environment environment) {
			OAuth2ClientHttpRequestInterceptor interceptor = new OAuth2ClientHttpRequestInterceptor(manager);
			interceptor.setAuthorizationFailureHandler(manager);
			return RestClient.builder()
				.baseUrl(environment.getProperty("cxone.base-url"))
				.requestInterceptor(interceptor)
				.build();
		}

	}

}
