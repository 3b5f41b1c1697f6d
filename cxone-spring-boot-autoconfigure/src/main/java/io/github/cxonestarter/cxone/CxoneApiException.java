package io.github.cxonestarter.cxone;

/**
 * A CXone API call failed after the retries it was allowed: the answer's status, CXone's
 * error body and its {@code icStatusDescription} header are kept.
 *
 * @since 0.1.0
 */
public class CxoneApiException extends CxoneException {

	private final int status;

	private final String responseBody;

	private final String statusDescription;

	private final int attempts;

	public CxoneApiException(String message, int status, String responseBody, String statusDescription, int attempts,
			Throwable cause) {
		super(message, cause);
		this.status = status;
		this.responseBody = responseBody;
		this.statusDescription = statusDescription;
		this.attempts = attempts;
	}

	/**
	 * Return the HTTP status of the last answer, or {@code 0} when there was none (the
	 * connection failed).
	 * @return the status
	 */
	public int getStatus() {
		return this.status;
	}

	/**
	 * Return the body of the last answer.
	 * @return the body, possibly empty
	 */
	public String getResponseBody() {
		return this.responseBody;
	}

	/**
	 * Return CXone's {@code icStatusDescription} header of the last answer.
	 * @return the description or {@code null}
	 */
	public String getStatusDescription() {
		return this.statusDescription;
	}

	/**
	 * Return how many attempts were made.
	 * @return the attempts
	 */
	public int getAttempts() {
		return this.attempts;
	}

}
