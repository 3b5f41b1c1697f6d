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
 * port tried, whether a proxy was on the way, and the fix. It is the filter of the token
 * clients; {@link CxoneExchangeFilter} types each attempt of an API call the same way,
 * with the same methods. The application's own body publisher failing is its error,
 * passed on as it is. A request that would go through a proxy that has just refused the
 * credentials fails at once.
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
		Mono<ClientResponse> exchange = next.exchange(request)
			.onErrorMap((ex) -> typed(ex, request, this.failures, this.urlProperty));
		return reportingProbe(exchange, admission, this.failures);
	}

	/**
	 * Type a failure to get an answer, unless the application's own body publisher failed:
	 * that is its error, passed on as it is, as is any other failure.
	 * @param ex the failure
	 * @param request the request, its URL the one tried
	 * @param failures how failures are worded
	 * @param urlProperty the property that sets the URL, for messages
	 * @return the typed failure, or the failure as it is
	 */
	static Throwable typed(Throwable ex, ClientRequest request, ConnectionFailures failures, String urlProperty) {
		if (!(ex instanceof WebClientRequestException requestFailure) || ReplayableBody.failedToProduce(request)) {
			return ex;
		}
		CxoneConnectionException typed = failures.classify(requestFailure, request.url(), urlProperty);
		return (typed != null) ? typed : ex;
	}

	/**
	 * Return the exchange, reporting how it ended when it is the probe of refused
	 * credentials; every other exchange as it is. Its failures must be typed already, so
	 * that a proxy's refusal of the probe is remembered as the probe's.
	 * @param exchange the exchange, its failures typed
	 * @param admission how the request was let through
	 * @param failures where the probe reports to
	 * @return the exchange
	 */
	static Mono<ClientResponse> reportingProbe(Mono<ClientResponse> exchange, ConnectionFailures.Admission admission,
			ConnectionFailures failures) {
		if (!admission.isProbe()) {
			return exchange;
		}
		return exchange.doOnNext((response) -> failures.probeEnded(admission, true))
			.doOnError((ex) -> failures.probeEnded(admission, false))
			.doOnCancel(() -> failures.probeEnded(admission, false));
	}

}
