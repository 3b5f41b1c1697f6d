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
 * application's own body publisher failing is its error, passed on as it is. A request
 * that would go through a proxy that has just refused the credentials fails at once.
 *
 * @since 0.1.0
 */
public class CxoneConnectionFilter implements ExchangeFilterFunction {

	private final ConnectionFailures failures;

	private final String urlProperty;

	/**
	 * Create a new instance.
	 * @param failures how failures are worded
	 * @param urlProperty the property that sets the URLs this client requests, for
	 * messages, like {@code cxone.base-url (CXONE_BASE_URL)}
	 */
	public CxoneConnectionFilter(ConnectionFailures failures, String urlProperty) {
		this.failures = failures;
		this.urlProperty = urlProperty;
	}

	@Override
	public Mono<ClientResponse> filter(ClientRequest request, ExchangeFunction next) {
		ConnectionFailures.Admission admission = this.failures.admit(request.url());
		if (admission.refusal() != null) {
			return Mono.error(admission.refusal());
		}
		Mono<ClientResponse> exchange = next.exchange(request).onErrorMap(WebClientRequestException.class, (ex) -> {
			if (ReplayableBody.failedToProduce(request)) {
				return ex;
			}
			CxoneConnectionException typed = this.failures.classify(ex, request.url(), this.urlProperty);
			return (typed != null) ? typed : ex;
		});
		if (!admission.isProbe()) {
			return exchange;
		}
		// Only the probe of refused credentials reports how it ended; every other request is as above.
		return exchange.doOnNext((response) -> this.failures.probeEnded(admission, true))
			.doOnError((ex) -> this.failures.probeEnded(admission, false))
			.doOnCancel(() -> this.failures.probeEnded(admission, false));
	}

}
