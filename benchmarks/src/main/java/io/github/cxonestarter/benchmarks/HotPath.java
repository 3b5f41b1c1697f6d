package io.github.cxonestarter.benchmarks;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.github.cxonestarter.cxone.CxoneRestClient;
import io.github.cxonestarter.cxone.CxoneRestClientCustomizer;
import io.github.cxonestarter.cxone.CxoneWebClient;
import io.github.cxonestarter.cxone.CxoneWebClientCustomizer;
import io.github.cxonestarter.cxone.test.EmbeddedCxone;
import io.github.cxonestarter.cxone.token.CxoneTokenManager;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.ResponseCookie;
import org.springframework.http.client.reactive.AbstractClientHttpRequest;
import org.springframework.http.client.reactive.ClientHttpConnector;
import org.springframework.http.client.reactive.ClientHttpRequest;
import org.springframework.http.client.reactive.ClientHttpResponse;
import org.springframework.util.CollectionUtils;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * JMH benchmark of the in-process cost of one request: {@code CxoneWebClient} against a
 * plain {@code WebClient} with a static {@code Authorization: Bearer} header, and
 * {@code CxoneRestClient} against a plain {@code RestClient} with the same header. Every
 * client sends to a connector (or request factory) that answers at once with the same
 * small JSON body, so no network and no server share the cores: what differs is what each
 * client does per request. The starter's clients are its beans, taken from an application
 * context whose only addition is a customizer that puts the answering connector in place
 * of the starter's; the token is fetched once, from an {@link EmbeddedCxone} on loopback,
 * before anything is measured. Run as BENCHMARKS.md shows, with {@code -prof gc} for the
 * bytes allocated per request ({@code gc.alloc.rate.norm}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = { "-Xms1g", "-Xmx1g" })
public class HotPath {

	static final String PATH = EmbeddedCxone.SERVER_TIME_PATH;

	static final byte[] BODY = "{\"ServerTime\":\"2026-12-02T18:00:00.000Z\"}".getBytes(StandardCharsets.UTF_8);

	private final InstantConnector connector = new InstantConnector();

	private final InstantRequestFactory requestFactory = new InstantRequestFactory();

	private EmbeddedCxone cxone;

	private ConfigurableApplicationContext context;

	private WebClient plainWebClient;

	private CxoneWebClient cxoneWebClient;

	private RestClient plainRestClient;

	private WebClient plainWebClientWithFilter;

	private RestClient plainRestClientWithInterceptor;

	private CxoneRestClient cxoneRestClient;

	@Setup
	public void setUp() {
		this.cxone = EmbeddedCxone.start();
		ApplicationContextInitializer<GenericApplicationContext> answeringAtOnce = (context) -> {
			context.registerBean(CxoneWebClientCustomizer.class,
					() -> (builder) -> builder.clientConnector(this.connector));
			context.registerBean(CxoneRestClientCustomizer.class,
					() -> (builder) -> builder.requestFactory(this.requestFactory));
		};
		this.context = new SpringApplicationBuilder(Clients.StarterApp.class).web(WebApplicationType.NONE)
			.logStartupInfo(false)
			.properties(Clients.starterProperties(this.cxone))
			.initializers(answeringAtOnce)
			.run();
		this.cxoneWebClient = this.context.getBean(CxoneWebClient.class);
		this.cxoneRestClient = this.context.getBean(CxoneRestClient.class);
		// The starter's own token, so that both sides send a header of the same length.
		String token = this.context.getBean(CxoneTokenManager.class)
			.getAccessToken()
			.block(Duration.ofSeconds(30))
			.getTokenValue();
		this.plainWebClient = WebClient.builder()
			.clientConnector(this.connector)
			.baseUrl(this.cxone.baseUrl())
			.defaultHeader(HttpHeaders.ACCEPT, MediaType.APPLICATION_JSON_VALUE)
			.defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer " + token)
			.build();
		this.plainRestClient = RestClient.builder()
			.requestFactory(this.requestFactory)
			.baseUrl(this.cxone.baseUrl())
			.defaultHeader(HttpHeaders.ACCEPT, MediaType.APPLICATION_JSON_VALUE)
			.defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer " + token)
			.build();
		// What having any filter or interceptor costs, the floor of anything done per request.
		this.plainWebClientWithFilter = this.plainWebClient.mutate()
			.filter((request, next) -> next.exchange(request))
			.build();
		this.plainRestClientWithInterceptor = this.plainRestClient.mutate()
			.requestInterceptor((request, body, execution) -> execution.execute(request, body))
			.build();
	}

	@TearDown
	public void tearDown() {
		this.context.close();
		this.cxone.close();
	}

	@Benchmark
	public String plainWebClient() {
		return this.plainWebClient.get().uri(PATH).retrieve().bodyToMono(String.class).block();
	}

	@Benchmark
	public String plainWebClientWithFilter() {
		return this.plainWebClientWithFilter.get().uri(PATH).retrieve().bodyToMono(String.class).block();
	}

	@Benchmark
	public String cxoneWebClient() {
		return this.cxoneWebClient.get().uri(PATH).retrieve().bodyToMono(String.class).block();
	}

	@Benchmark
	public String plainRestClient() {
		return this.plainRestClient.get().uri(PATH).retrieve().body(String.class);
	}

	@Benchmark
	public String plainRestClientWithInterceptor() {
		return this.plainRestClientWithInterceptor.get().uri(PATH).retrieve().body(String.class);
	}

	@Benchmark
	public String cxoneRestClient() {
		return this.cxoneRestClient.get().uri(PATH).retrieve().body(String.class);
	}

	/**
	 * Return the embedded CXone that issued the token, for the smoke test.
	 * @return the embedded CXone
	 */
	EmbeddedCxone cxone() {
		return this.cxone;
	}

	/**
	 * Return the headers of the last request the WebClients sent, for the smoke test.
	 * @return the headers
	 */
	HttpHeaders lastWebClientRequest() {
		return this.connector.last.getHeaders();
	}

	/**
	 * Return the headers of the last request the RestClients sent, for the smoke test.
	 * @return the headers
	 */
	HttpHeaders lastRestClientRequest() {
		return this.requestFactory.last.getHeaders();
	}

	/**
	 * A connector that answers every request at once, once its body is written.
	 */
	static final class InstantConnector implements ClientHttpConnector {

		private InstantRequest last;

		@Override
		public Mono<ClientHttpResponse> connect(HttpMethod method, URI uri,
				Function<? super ClientHttpRequest, Mono<Void>> requestCallback) {
			InstantRequest request = new InstantRequest(method, uri);
			this.last = request;
			return requestCallback.apply(request).then(Mono.fromSupplier(InstantResponse::new));
		}

	}

	/**
	 * A request that discards its body, as a connection would send it: Spring's
	 * {@link AbstractClientHttpRequest}, as Reactor Netty's request is, without the network.
	 */
	static final class InstantRequest extends AbstractClientHttpRequest {

		private final HttpMethod method;

		private final URI uri;

		InstantRequest(HttpMethod method, URI uri) {
			this.method = method;
			this.uri = uri;
		}

		@Override
		public HttpMethod getMethod() {
			return this.method;
		}

		@Override
		public URI getURI() {
			return this.uri;
		}

		@Override
		public DataBufferFactory bufferFactory() {
			return DefaultDataBufferFactory.sharedInstance;
		}

		@Override
		public <T> T getNativeRequest() {
			throw new UnsupportedOperationException();
		}

		@Override
		public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
			return doCommit(() -> Flux.from(body).doOnNext(DataBufferUtils::release).then());
		}

		@Override
		public Mono<Void> writeAndFlushWith(Publisher<? extends Publisher<? extends DataBuffer>> body) {
			return writeWith(Flux.from(body).flatMap(Function.identity()));
		}

		@Override
		public Mono<Void> setComplete() {
			return doCommit();
		}

		@Override
		protected void applyHeaders() {
		}

		@Override
		protected void applyCookies() {
		}

	}

	/**
	 * The answer: 200, {@code Content-Type: application/json}, {@link #BODY}.
	 */
	static final class InstantResponse implements ClientHttpResponse {

		private static final HttpHeaders HEADERS = headers();

		private static final MultiValueMap<String, ResponseCookie> COOKIES = CollectionUtils
			.unmodifiableMultiValueMap(new LinkedMultiValueMap<>());

		static HttpHeaders headers() {
			HttpHeaders headers = new HttpHeaders();
			headers.setContentType(MediaType.APPLICATION_JSON);
			headers.setContentLength(BODY.length);
			return HttpHeaders.readOnlyHttpHeaders(headers);
		}

		@Override
		public HttpStatusCode getStatusCode() {
			return HttpStatus.OK;
		}

		@Override
		public HttpHeaders getHeaders() {
			return HEADERS;
		}

		@Override
		public MultiValueMap<String, ResponseCookie> getCookies() {
			return COOKIES;
		}

		@Override
		public Flux<DataBuffer> getBody() {
			return Flux.just(DefaultDataBufferFactory.sharedInstance.wrap(BODY));
		}

	}

	/**
	 * A request factory whose requests discard their body and answer at once, as
	 * {@link InstantResponse} does.
	 */
	static final class InstantRequestFactory implements ClientHttpRequestFactory {

		private InstantBlockingRequest last;

		@Override
		public org.springframework.http.client.ClientHttpRequest createRequest(URI uri, HttpMethod httpMethod) {
			InstantBlockingRequest request = new InstantBlockingRequest(httpMethod, uri);
			this.last = request;
			return request;
		}

	}

	/**
	 * A blocking request: Spring's
	 * {@link org.springframework.http.client.AbstractClientHttpRequest}, as its Reactor
	 * request is, without the network.
	 */
	static final class InstantBlockingRequest extends org.springframework.http.client.AbstractClientHttpRequest {

		private static final OutputStream DISCARDING = new OutputStream() {

			@Override
			public void write(int b) {
			}

			@Override
			public void write(byte[] b, int off, int len) {
			}

		};

		private final HttpMethod method;

		private final URI uri;

		InstantBlockingRequest(HttpMethod method, URI uri) {
			this.method = method;
			this.uri = uri;
		}

		@Override
		public HttpMethod getMethod() {
			return this.method;
		}

		@Override
		public URI getURI() {
			return this.uri;
		}

		@Override
		protected OutputStream getBodyInternal(HttpHeaders headers) {
			return DISCARDING;
		}

		@Override
		protected org.springframework.http.client.ClientHttpResponse executeInternal(HttpHeaders headers) {
			return new InstantBlockingResponse();
		}

	}

	/**
	 * The blocking answer, the same as {@link InstantResponse}.
	 */
	static final class InstantBlockingResponse implements org.springframework.http.client.ClientHttpResponse {

		private final InputStream body = new ByteArrayInputStream(BODY);

		@Override
		public HttpStatusCode getStatusCode() {
			return HttpStatus.OK;
		}

		@Override
		public String getStatusText() {
			return "OK";
		}

		@Override
		public HttpHeaders getHeaders() {
			return InstantResponse.HEADERS;
		}

		@Override
		public InputStream getBody() {
			return this.body;
		}

		@Override
		public void close() {
		}

	}

}
