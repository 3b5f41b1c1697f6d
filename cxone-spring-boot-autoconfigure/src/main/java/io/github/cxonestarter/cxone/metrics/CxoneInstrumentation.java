package io.github.cxonestarter.cxone.metrics;

import java.io.IOException;

import io.github.cxonestarter.cxone.token.TokenEventListener;
import io.github.resilience4j.retry.Retry;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpRequest;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.ExchangeFunction;

/**
 * What one tenant's clients report, for its meters: its token events, the answers to
 * its calls (a filter for WebClient, an interceptor for RestClient) and its retries.
 * Without Micrometer, nothing.
 *
 * @since 0.1.0
 */
public interface CxoneInstrumentation extends TokenEventListener, ExchangeFilterFunction, ClientHttpRequestInterceptor {

	/** Instrumentation that records nothing. */
	CxoneInstrumentation NONE = new CxoneInstrumentation() {

		@Override
		public Mono<ClientResponse> filter(ClientRequest request, ExchangeFunction next) {
			return next.exchange(request);
		}

		@Override
		public ClientHttpResponse intercept(HttpRequest request, byte[] body, ClientHttpRequestExecution execution)
				throws IOException {
			return execution.execute(request, body);
		}

	};

	/**
	 * Drop what was recorded, when the tenant is removed.
	 */
	default void close() {
	}

	/**
	 * Creates the instrumentation of each tenant.
	 */
	@FunctionalInterface
	interface Factory {

		/**
		 * Return the instrumentation of one tenant.
		 * @param tenant the tenant's name, the value of the {@code tenant} tag
		 * @param apiRetry the retry of its API calls, or {@code null} when retries are off
		 * @param tokenRetry the retry of its token requests
		 * @return the instrumentation
		 */
		CxoneInstrumentation forTenant(String tenant, Retry apiRetry, Retry tokenRetry);

	}

}
