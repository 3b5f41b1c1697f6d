package io.github.cxonestarter.cxone.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports invalid {@code cxone.*} properties at start-up: what is wrong and how to fix it.
 *
 * @since 0.1.0
 */
class InvalidCxonePropertiesFailureAnalyzer extends AbstractFailureAnalyzer<InvalidCxonePropertiesException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidCxonePropertiesException cause) {
		StringBuilder action = new StringBuilder();
		if (!cause.getMissing().isEmpty()) {
			action.append("Set the missing environment variables (or the cxone.* properties they stand for). ")
				.append("The client ID and secret are those of an API key under Settings > Integrations > API Keys; ")
				.append("the subdomain is the tenant's, as in https://{subdomain}.api.nice.incontact.com. ");
		}
		if (!cause.getProblems().isEmpty()) {
			action.append("Correct the values named above.");
		}
		action.append(" To run without CXone, set cxone.enabled=false.");
		return new FailureAnalysis("The CXone starter is not configured correctly:" + System.lineSeparator()
				+ cause.getMessage(), action.toString().strip(), cause);
	}

}
