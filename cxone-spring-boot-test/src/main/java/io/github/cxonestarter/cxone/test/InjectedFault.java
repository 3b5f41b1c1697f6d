package io.github.cxonestarter.cxone.test;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A fault that {@link EmbeddedCxone} answers instead of the real answer: an error status
 * with the body a real server or the load balancer in front of it would send, or a
 * connection that breaks.
 * <pre class="code">
 * cxone.enqueueApiFaults(EmbeddedCxone.WHOAMI_PATH, 1, InjectedFault.status(502).htmlPage());
 * cxone.enqueueTokenFaults(2, InjectedFault.status(429).retryAfter("1"));
 * cxone.enqueueApiFaults(null, 1, InjectedFault.closeMidResponse());
 * </pre>
 *
 * @since 0.1.0
 */
public final class InjectedFault {

	private static final String HTML_PAGE = "<html><head><title>%1$d</title></head><body><center><h1>%1$d</h1></center>"
			+ "<hr><center>load balancer</center></body></html>";

	private final int status;

	private final String retryAfter;

	private final Body body;

	private final Delivery delivery;

	private InjectedFault(int status, String retryAfter, Body body, Delivery delivery) {
		this.status = status;
		this.retryAfter = retryAfter;
		this.body = body;
		this.delivery = delivery;
	}

	/**
	 * A fault answered with the given status and a JSON error body, as CXone answers.
	 * @param status the status, 429 or 503 for example
	 * @return the fault
	 */
	public static InjectedFault status(int status) {
		return new InjectedFault(status, null, Body.JSON, Delivery.ANSWER);
	}

	/**
	 * A fault that sends the status line, the headers (with a {@code Content-Length} longer
	 * than what follows) and part of a JSON body, then closes the connection.
	 * @return the fault
	 */
	public static InjectedFault closeMidResponse() {
		return new InjectedFault(200, null, Body.JSON, Delivery.CLOSE_MID_RESPONSE);
	}

	/**
	 * A fault that closes the connection without answering, as a reset connection does.
	 * @return the fault
	 */
	public static InjectedFault closeWithoutResponse() {
		return new InjectedFault(0, null, Body.NONE, Delivery.CLOSE_WITHOUT_RESPONSE);
	}

	/**
	 * A fault that never answers and keeps the connection open, so that the client's
	 * response timeout fires.
	 * @return the fault
	 */
	public static InjectedFault noResponse() {
		return new InjectedFault(0, null, Body.NONE, Delivery.NO_RESPONSE);
	}

	/**
	 * Return this fault with a {@code Retry-After} header, sent as it is, whatever its
	 * shape, and as several headers when it has line breaks.
	 * @param retryAfter the header value
	 * @return a new fault
	 */
	public InjectedFault retryAfter(String retryAfter) {
		return new InjectedFault(this.status, retryAfter, this.body, this.delivery);
	}

	/**
	 * Return this fault with an HTML page for a body ({@code Content-Type: text/html}), as
	 * a load balancer sends for a 502 or a 503.
	 * @return a new fault
	 */
	public InjectedFault htmlPage() {
		return new InjectedFault(this.status, this.retryAfter, Body.HTML, this.delivery);
	}

	/**
	 * Return this fault with a plain text body and no {@code Content-Type} header.
	 * @return a new fault
	 */
	public InjectedFault withoutContentType() {
		return new InjectedFault(this.status, this.retryAfter, Body.UNTYPED, this.delivery);
	}

	/**
	 * Return the answer to send for this fault.
	 * @param json the JSON body that CXone would send with this status
	 * @param cxoneHeaders the headers CXone itself would add, left out of a load
	 * balancer's answer
	 * @return the answer
	 */
	Answer answer(String json, Map<String, String> cxoneHeaders) {
		Map<String, String> headers = new LinkedHashMap<>();
		if (this.retryAfter != null) {
			headers.put("Retry-After", this.retryAfter);
		}
		return switch (this.body) {
			case JSON -> {
				headers.putAll(cxoneHeaders);
				yield new Answer(this.status, headers, "application/json", json, this.delivery);
			}
			case HTML -> new Answer(this.status, headers, "text/html", HTML_PAGE.formatted(this.status), this.delivery);
			case UNTYPED -> new Answer(this.status, headers, null, "upstream failure " + this.status, this.delivery);
			case NONE -> new Answer(this.status, headers, null, "", this.delivery);
		};
	}

	int status() {
		return this.status;
	}

	@Override
	public String toString() {
		return "InjectedFault[" + this.delivery + ((this.status != 0) ? " " + this.status : "") + " " + this.body
				+ ((this.retryAfter != null) ? ", Retry-After " + this.retryAfter : "") + "]";
	}

	private enum Body {

		JSON, HTML, UNTYPED, NONE

	}

	/**
	 * How an answer reaches the client.
	 */
	enum Delivery {

		/** A whole response. */
		ANSWER,

		/** Headers and part of the body, then the connection closes. */
		CLOSE_MID_RESPONSE,

		/** The connection closes before anything is sent. */
		CLOSE_WITHOUT_RESPONSE,

		/** Nothing is sent, and the connection stays open. */
		NO_RESPONSE

	}

}
