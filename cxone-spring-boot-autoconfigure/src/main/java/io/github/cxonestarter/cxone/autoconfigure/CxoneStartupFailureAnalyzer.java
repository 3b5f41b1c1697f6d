package io.github.cxonestarter.cxone.autoconfigure;

import io.github.cxonestarter.cxone.CxoneException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports a CXone failure at start-up (discovery, or the first token in access-key mode)
 * with its cause and fix, instead of a stack trace.
 *
 * @since 0.1.0
 */
public class CxoneStartupFailureAnalyzer extends AbstractFailureAnalyzer<CxoneException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, CxoneException cause) {
		return new FailureAnalysis("CXone could not be reached at start-up: " + cause.getMessage(),
				"Fix the cause named above, or set cxone.discovery.fail-fast=false to start the application anyway "
						+ "and try again on the first call.",
				cause);
	}

}
