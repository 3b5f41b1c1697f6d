package io.github.cxonestarter.cxone.accesskey;

/**
 * The credentials of the access-key flow. {@link #toString()} shows neither secret.
 *
 * @param clientId the registered application's client ID
 * @param clientSecret the registered application's client secret
 * @param accessKeyId the access key ID
 * @param accessKeySecret the access key secret
 * @since 0.1.0
 */
public record AccessKeyCredentials(String clientId, String clientSecret, String accessKeyId, String accessKeySecret) {

	@Override
	public String toString() {
		return "AccessKeyCredentials[clientId=" + this.clientId + ", accessKeyId=" + this.accessKeyId
				+ ", secrets=[protected]]";
	}

}
