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

	/**
	 * The answer when the embedded CXone itself, or a check a test gave it, failed: a 500
	 * that names the exception, so that the test sees why.
	 */
	static Answer failure(RuntimeException ex) {
		Map<String, String> error = new java.util.LinkedHashMap<>();
		error.put("error", "embedded_cxone_failure");
		error.put("error_description", String.valueOf(ex));
		return json(500, tools.jackson.databind.json.JsonMapper.builder().build().writeValueAsString(error));
	}

	static Answer json(int status, String body) {
		return json(status, Map.of(), body);
	}

	static Answer json(int status, Map<String, String> headers, String body) {
		return new Answer(status, headers, "application/json", body, InjectedFault.Delivery.ANSWER);
	}

}
