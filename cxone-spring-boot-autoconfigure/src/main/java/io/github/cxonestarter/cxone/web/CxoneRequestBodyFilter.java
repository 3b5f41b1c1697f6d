package io.github.cxonestarter.cxone.web;

import reactor.core.publisher.Mono;

import org.springframework.util.unit.DataSize;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.ExchangeFunction;

/**
 * Makes a request's body one that every attempt of the call (retries, the replay after a
 * 401) sends as the same bytes, while the application's body publisher is subscribed once.
 * It goes before the retry and authorization filters. A request without a body passes
 * untouched; a body larger than the allowed size is sent once and is then not retried or
 * replayed, with an error that says why.
 *
 * @since 0.1.0
 */
public class CxoneRequestBodyFilter implements ExchangeFilterFunction {

	private final long maxReplaySize;

	/**
	 * Create a new instance.
	 * @param maxReplaySize the largest body that is kept to be sent again
	 */
	public CxoneRequestBodyFilter(DataSize maxReplaySize) {
		this.maxReplaySize = maxReplaySize.toBytes();
	}

	@Override
	public Mono<ClientResponse> filter(ClientRequest request, ExchangeFunction next) {
		if (request.body() == BodyInserters.empty() || request.body() instanceof ReplayableBody) {
			return next.exchange(request);
		}
		return next.exchange(
				ClientRequest.from(request).body(new ReplayableBody(request.body(), this.maxReplaySize)).build());
	}

}
