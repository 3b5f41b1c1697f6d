package io.github.cxonestarter.cxone.http;

import java.io.IOException;
import java.net.URI;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

import reactor.netty.http.client.HttpClient;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.http.HttpMethod;
import org.springframework.http.client.ClientHttpRequest;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.ReactorClientHttpRequestFactory;

/**
 * The request factory of the blocking clients: Spring's
 * {@link ReactorClientHttpRequestFactory} over the starter's Reactor Netty
 * {@link HttpClient}, so that RestClient and WebClient share one pool, one proxy, one trust
 * set and one way of typing connection failures. Request bodies are written by threads of
 * its own: by default Spring writes them on {@code Schedulers.boundedElastic()}, and
 * callers blocked on that same scheduler (as reactive code is told to run blocking calls)
 * would then hold every thread that could write their bodies, and wait forever.
 *
 * @since 0.1.0
 */
public final class CxoneRequestFactory implements ClientHttpRequestFactory, DisposableBean {

	private final ExecutorService bodyWriters = Executors.newCachedThreadPool(new BodyWriterThreads());

	private final ReactorClientHttpRequestFactory delegate;

	/**
	 * Create a new instance.
	 * @param httpClient the starter's HTTP client
	 */
	public CxoneRequestFactory(HttpClient httpClient) {
		this.delegate = new ReactorClientHttpRequestFactory(httpClient);
		this.delegate.setExecutor(this.bodyWriters);
	}

	@Override
	public ClientHttpRequest createRequest(URI uri, HttpMethod httpMethod) throws IOException {
		return this.delegate.createRequest(uri, httpMethod);
	}

	@Override
	public void destroy() {
		this.bodyWriters.shutdown();
	}

	@Override
	public String toString() {
		return "CxoneRequestFactory";
	}

	/**
	 * Daemon threads, idle ones ending after a minute, as a cached pool has them.
	 */
	private static final class BodyWriterThreads implements ThreadFactory {

		private final AtomicInteger count = new AtomicInteger();

		@Override
		public Thread newThread(Runnable task) {
			Thread thread = new Thread(task, "cxone-body-writer-" + this.count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		}

	}

}
