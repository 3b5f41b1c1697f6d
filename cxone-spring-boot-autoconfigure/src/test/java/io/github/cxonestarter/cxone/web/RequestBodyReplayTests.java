package io.github.cxonestarter.cxone.web;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.github.cxonestarter.cxone.CxoneApiException;
import io.github.cxonestarter.cxone.CxoneAuthenticationException;
import io.github.cxonestarter.cxone.CxoneRateLimitException;
import io.github.cxonestarter.cxone.CxoneTestContexts;
import io.github.cxonestarter.cxone.CxoneWebClient;
import io.github.cxonestarter.cxone.CxoneWebClientCustomizer;
import io.github.cxonestarter.cxone.test.EmbeddedCxone;
import io.github.cxonestarter.cxone.test.EmbeddedCxoneExtension;
import io.github.cxonestarter.cxone.test.RecordedRequest;
import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.core.io.buffer.NettyDataBufferFactory;
import org.springframework.http.MediaType;
import org.springframework.http.client.MultipartBodyBuilder;
import org.springframework.http.client.reactive.ClientHttpRequest;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.function.BodyInserter;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A request body is produced once per call, and every attempt (a retry after 429, the
 * replay after a 401) sends the same bytes, counted at the server.
 */
@ExtendWith(EmbeddedCxoneExtension.class)
class RequestBodyReplayTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static final String PATH = EmbeddedCxone.ECHO_PREFIX;

	private EmbeddedCxone cxone;

	@BeforeEach
	void useCxone(EmbeddedCxone cxone) {
		this.cxone = cxone;
	}

	private ApplicationContextRunner runner() {
		return CxoneTestContexts.runner(this.cxone).withPropertyValues("cxone.retry.initial-backoff=20ms");
	}

	@Test
	void whenA429AndA401MeetAPostThenItsBodyIsProducedOnceAndEveryAttemptSendsTheSameBytes() {
		runner().run((context) -> {
			CxoneWebClient client = context.getBean(CxoneWebClient.class);
			AtomicInteger saves = new AtomicInteger();
			// Like post().body(repository.save(order), Order.class): a side effect per subscription.
			Mono<Map<String, Object>> saved = Mono.fromCallable(() -> Map.of("order", 42, "save", saves.incrementAndGet()));
			cxone.enqueueApiFaults(PATH, 1, 429, "0");
			cxone.enqueueApiFaults(PATH, 1, 401, null);
			String answer = client.post().uri(PATH).body(saved, Map.class).retrieve().bodyToMono(String.class)
				.block(TIMEOUT);
			assertThat(saves).hasValue(1);
			List<RecordedRequest> attempts = cxone.apiRequests();
			assertThat(attempts).extracting(RecordedRequest::status).containsExactly(429, 401, 200);
			assertThat(attempts).extracting(RecordedRequest::body).containsOnly(attempts.get(0).body());
			assertThat(attempts).extracting((request) -> request.header("content-type")).containsOnly("application/json");
			assertThat(attempts.get(0).body()).contains("\"save\":1");
			assertThat(answer).contains("\"method\":\"POST\"");
			// The 401 fetched a new token: the replay carried it.
			assertThat(cxone.tokenRequestCount()).isEqualTo(2);
			assertThat(attempts.get(2).header("Authorization")).isNotEqualTo(attempts.get(1).header("Authorization"));
		});
	}

	@Test
	void whenAFluxOfPooledDataBuffersIsTheBodyThenItIsSubscribedOnceAndRetriedIntact() {
		runner().run((context) -> {
			CxoneWebClient client = context.getBean(CxoneWebClient.class);
			NettyDataBufferFactory buffers = new NettyDataBufferFactory(PooledByteBufAllocator.DEFAULT);
			AtomicInteger subscriptions = new AtomicInteger();
			Flux<DataBuffer> body = Flux.just("{\"a\":", "1}")
				.map((part) -> (DataBuffer) buffers.wrap(part.getBytes(StandardCharsets.UTF_8)))
				.doOnSubscribe((subscription) -> subscriptions.incrementAndGet());
			cxone.enqueueApiFaults(PATH, 2, 429, "0");
			client.post().uri(PATH).contentType(MediaType.APPLICATION_JSON).body(BodyInserters.fromDataBuffers(body))
				.retrieve().bodyToMono(String.class).block(TIMEOUT);
			assertThat(subscriptions).hasValue(1);
			assertThat(cxone.apiRequests()).extracting(RecordedRequest::status).containsExactly(429, 429, 200);
			assertThat(cxone.apiRequests()).extracting(RecordedRequest::body).containsOnly("{\"a\":1}");
		});
	}

	@Test
	void whenAHotPublisherHasCompletedThenTheRetrySendsTheSameBytesNotAnEmptyBody() {
		runner().run((context) -> {
			CxoneWebClient client = context.getBean(CxoneWebClient.class);
			// Connected by its first subscriber; completed for every later one.
			Flux<String> body = Flux.just("{\"hot\":true}").publish().autoConnect();
			cxone.enqueueApiFaults(PATH, 1, 429, "0");
			client.post().uri(PATH).contentType(MediaType.APPLICATION_JSON).body(body, String.class).retrieve()
				.bodyToMono(String.class).block(TIMEOUT);
			assertThat(cxone.apiRequests()).extracting(RecordedRequest::body).containsExactly("{\"hot\":true}",
					"{\"hot\":true}");
		});
	}

	@Test
	void whenAFormIsRetriedThenTheSameBytesAndContentTypeAreSent() {
		runner().run((context) -> {
			MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
			form.add("name", "a b+c=d");
			cxone.enqueueApiFaults(PATH, 1, 503, null);
			context.getBean(CxoneWebClient.class).put().uri(PATH).body(BodyInserters.fromFormData(form)).retrieve()
				.bodyToMono(String.class).block(TIMEOUT);
			List<RecordedRequest> attempts = cxone.apiRequests();
			assertThat(attempts).extracting(RecordedRequest::status).containsExactly(503, 200);
			assertThat(attempts).extracting(RecordedRequest::body).containsOnly("name=a+b%2Bc%3Dd");
			assertThat(attempts).extracting((request) -> request.header("content-type"))
				.containsOnly(attempts.get(0).header("content-type"))
				.allSatisfy((type) -> assertThat(type).startsWith("application/x-www-form-urlencoded"));
		});
	}

	@Test
	void whenAMultipartBodyIsReplayedAfterA401ThenItKeepsItsBoundary() {
		runner().run((context) -> {
			MultipartBodyBuilder parts = new MultipartBodyBuilder();
			parts.part("field", "value");
			cxone.enqueueApiFaults(PATH, 1, 401, null);
			context.getBean(CxoneWebClient.class).post().uri(PATH).contentType(MediaType.MULTIPART_FORM_DATA)
				.body(BodyInserters.fromMultipartData(parts.build())).retrieve().bodyToMono(String.class)
				.block(TIMEOUT);
			List<RecordedRequest> attempts = cxone.apiRequests();
			assertThat(attempts).extracting(RecordedRequest::status).containsExactly(401, 200);
			assertThat(attempts.get(0).header("content-type")).contains("boundary=");
			assertThat(attempts.get(1).header("content-type")).isEqualTo(attempts.get(0).header("content-type"));
			assertThat(attempts.get(1).body()).isEqualTo(attempts.get(0).body()).contains("value");
		});
	}

	@Test
	void whenABodyIsLargerThanTheReplayLimitThenA429IsNotRetriedAndTheErrorSaysWhy() {
		runner().withPropertyValues("cxone.http.max-replay-body-size=1KB").run((context) -> {
			cxone.enqueueApiFaults(PATH, 1, 429, "0");
			String large = "{\"data\":\"" + "x".repeat(4096) + "\"}";
			assertThatExceptionOfType(CxoneRateLimitException.class)
				.isThrownBy(() -> context.getBean(CxoneWebClient.class).post().uri(PATH)
					.contentType(MediaType.APPLICATION_JSON).bodyValue(large).retrieve().bodyToMono(String.class)
					.block(TIMEOUT))
				.withMessageContaining("cxone.http.max-replay-body-size (1024 bytes)")
				.withMessageContaining("not retried");
			assertThat(cxone.apiRequests()).singleElement()
				.satisfies((request) -> assertThat(request.body()).isEqualTo(large));
		});
	}

	@Test
	void whenABodyIsLargerThanTheReplayLimitThenA401IsNotReplayedAndTheErrorSaysWhy() {
		runner().withPropertyValues("cxone.http.max-replay-body-size=1KB").run((context) -> {
			cxone.enqueueApiFaults(PATH, 1, 401, null);
			assertThatExceptionOfType(CxoneAuthenticationException.class)
				.isThrownBy(() -> context.getBean(CxoneWebClient.class).post().uri(PATH)
					.contentType(MediaType.APPLICATION_JSON).bodyValue("{\"data\":\"" + "x".repeat(4096) + "\"}")
					.retrieve().bodyToMono(String.class).block(TIMEOUT))
				.withMessageContaining("not sent again")
				.withMessageContaining("cxone.http.max-replay-body-size");
			assertThat(cxone.apiRequests()).hasSize(1);
		});
	}

	@Test
	void whenABodyIsWithinTheReplayLimitThenItIsRetried() {
		runner().withPropertyValues("cxone.http.max-replay-body-size=1KB").run((context) -> {
			cxone.enqueueApiFaults(PATH, 1, 429, "0");
			String body = "{\"data\":\"" + "x".repeat(1000) + "\"}";
			context.getBean(CxoneWebClient.class).post().uri(PATH).contentType(MediaType.APPLICATION_JSON)
				.bodyValue(body).retrieve().bodyToMono(String.class).block(TIMEOUT);
			assertThat(cxone.apiRequests()).extracting(RecordedRequest::body).containsExactly(body, body);
		});
	}

	@Test
	void whenABodyIsWrittenAndFlushedInPartsThenTheRetrySendsEveryPart() {
		runner().run((context) -> {
			BodyInserter<Object, ClientHttpRequest> parts = (request, inserterContext) -> {
				request.getHeaders().setContentType(MediaType.TEXT_PLAIN);
				// The outer publisher completes before its slow parts are read.
				return request.writeAndFlushWith(Flux.just("part-one;", "part-two;", "part-three")
					.map((part) -> Flux.just(part)
						.delayElements(Duration.ofMillis(30))
						.map((text) -> request.bufferFactory().wrap(text.getBytes(StandardCharsets.UTF_8)))));
			};
			cxone.enqueueApiFaults(PATH, 1, 429, "0");
			context.getBean(CxoneWebClient.class).post().uri(PATH).body(parts).retrieve().bodyToMono(String.class)
				.block(TIMEOUT);
			assertThat(cxone.apiRequests()).extracting(RecordedRequest::status).containsExactly(429, 200);
			assertThat(cxone.apiRequests()).extracting(RecordedRequest::body)
				.containsOnly("part-one;part-two;part-three");
		});
	}

	@Test
	void whenASingleBufferIsTheBodyThenEveryAttemptIsFramedWithContentLength() {
		runner().run((context) -> {
			Mono<DataBuffer> single = Mono.fromSupplier(
					() -> DefaultDataBufferFactory.sharedInstance.wrap("abc".getBytes(StandardCharsets.UTF_8)));
			cxone.enqueueApiFaults(PATH, 1, 429, "0");
			context.getBean(CxoneWebClient.class).post().uri(PATH).contentType(MediaType.APPLICATION_OCTET_STREAM)
				.body(BodyInserters.fromDataBuffers(single)).retrieve().bodyToMono(String.class).block(TIMEOUT);
			assertThat(cxone.apiRequests()).allSatisfy((request) -> {
				assertThat(request.header("content-length")).isEqualTo("3");
				assertThat(request.header("transfer-encoding")).isNull();
				assertThat(request.body()).isEqualTo("abc");
			});
		});
	}

	@Test
	void whenThePutOfABodyCannotConnectThenItIsRetriedLikeOneWithoutABodyAndTheBodyIsNeverProduced() {
		EmbeddedCxone closed = EmbeddedCxone.start();
		String baseUrl = closed.baseUrl();
		closed.close();
		AtomicInteger produced = new AtomicInteger();
		runner().withPropertyValues("cxone.base-url=" + baseUrl).run((context) -> {
			Mono<String> body = Mono.fromCallable(() -> "{\"n\":" + produced.incrementAndGet() + "}");
			assertThatExceptionOfType(CxoneApiException.class)
				.isThrownBy(() -> context.getBean(CxoneWebClient.class).put().uri(PATH)
					.contentType(MediaType.APPLICATION_JSON).body(body, String.class).retrieve().bodyToMono(String.class)
					.block(TIMEOUT))
				.satisfies((ex) -> assertThat(ex.getAttempts()).isEqualTo(4));
			assertThat(produced).hasValue(0);
		});
	}

	@Test
	void whenTheApplicationsBodyPublisherFailsThenItsOwnErrorIsPassedOnAndNotRetried() {
		AtomicInteger subscriptions = new AtomicInteger();
		runner().run((context) -> {
			Mono<String> failing = Mono.<String>error(new IllegalStateException("the order store is down"))
				.doOnSubscribe((subscription) -> subscriptions.incrementAndGet());
			assertThatException()
				.isThrownBy(() -> context.getBean(CxoneWebClient.class).put().uri(PATH)
					.contentType(MediaType.APPLICATION_JSON).body(failing, String.class).retrieve()
					.bodyToMono(String.class).block(TIMEOUT))
				.isNotInstanceOf(CxoneApiException.class)
				.havingRootCause()
				.isInstanceOf(IllegalStateException.class)
				.withMessage("the order store is down");
			assertThat(subscriptions).hasValue(1);
		});
	}

	@Test
	void whenARequestHasNoBodyThenItsBodyIsLeftAsItIs() {
		AtomicReference<BodyInserter<?, ?>> seen = new AtomicReference<>();
		CxoneWebClientCustomizer inspector = (builder) -> builder
			.filter(ExchangeFilterFunction.ofRequestProcessor((request) -> {
				seen.set(request.body());
				return Mono.just(request);
			}));
		runner().withBean(CxoneWebClientCustomizer.class, () -> inspector).run((context) -> {
			CxoneTestContexts.whoami(context.getBean(CxoneWebClient.class)).block(TIMEOUT);
			assertThat(seen.get()).isSameAs(BodyInserters.empty());
		});
	}

}
