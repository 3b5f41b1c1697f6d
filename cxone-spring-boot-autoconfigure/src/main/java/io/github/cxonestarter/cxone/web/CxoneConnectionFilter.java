package io.github.cxonestarter.cxone.web;

import io.github.cxonestarter.cxone.CxoneConnectionException;
import io.github.cxonestarter.cxone.http.ConnectionFailures;
import reactor.core.publisher.Mono;

import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.ExchangeFunction;
import org.springframework.web.reactive.function.client.WebClientRequestException;

/**
 * Turns WebClient's failure to get an answer into the starter's typed
 * {@link CxoneConnectionException}, worded by {@link ConnectionFailures}: the host and
 * port tried, whether a proxy was on the way, and the fix. It is the innermost filter of
 * every client the starter builds, so that each attempt's failure is typed. The
 * application's own body publisher failing is its error, passed on as it is.
 *
 * @since 0.1.0
 */
public class CxoneConnectionFilter implements ExchangeFilterFunction {

	private final ConnectionFailures failures;

	/**
	 * Create a new instance.
	 * @param failures how failures are worded
	 */
	public CxoneConnectionFilter(ConnectionFailures failures) {
		this.failures = failures;
	}

	@Override
	public Mono<ClientResponse> filter(ClientRequest request, ExchangeFunction next) {
		return next.exchange(request).onErrorMap(WebClientRequestException.class, (ex) -> {
			if (ReplayableBody.failedToProduce(request)) {
				return ex;
			}
			CxoneConnectionException typed = this.failures.classify(ex, request.url());
			return (typed != null) ? typed : ex;
		});
	}

}
