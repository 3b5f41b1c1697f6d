package io.github.cxonestarter.cxone.test;

import java.util.Map;

/**
 * What {@link EmbeddedCxone} sends back for one request.
 *
 * @param status the status
 * @param headers extra headers; a value with line breaks is sent as several headers
 * @param contentType the {@code Content-Type}, or {@code null} for none
 * @param body the body
 * @param delivery how the answer reaches the client
 */
record Answer(int status, Map<String, String> headers, String contentType, String body,
		InjectedFault.Delivery delivery) {

	static Answer json(int status, String body) {
		return json(status, Map.of(), body);
	}

	static Answer json(int status, Map<String, String> headers, String body) {
		return new Answer(status, headers, "application/json", body, InjectedFault.Delivery.ANSWER);
	}

}
