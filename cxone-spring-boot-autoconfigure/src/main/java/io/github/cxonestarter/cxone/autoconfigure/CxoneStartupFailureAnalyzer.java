package io.github.cxonestarter.cxone.autoconfigure;

import java.util.Set;

import io.github.cxonestarter.cxone.CxoneDiscoveryException;
import io.github.cxonestarter.cxone.CxoneException;
import io.github.cxonestarter.cxone.CxoneTokenException;
import io.github.cxonestarter.cxone.CxoneTokenException.Reason;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.env.Environment;

/**
 * Reports a CXone failure at start-up with its cause and fix, instead of a stack trace. It
 * tells apart credentials that CXone refused (fix them: starting anyway would only move
 * the failure to the first call), CXone not being reached during access-key discovery
 * ({@code cxone.discovery.fail-fast=false} lets the application start anyway), and a call
 * that the application itself made while starting.
 *
 * @since 0.1.0
 */
public class CxoneStartupFailureAnalyzer extends AbstractFailureAnalyzer<CxoneException> {

	private static final Set<Reason> REFUSALS = Set.of(Reason.INVALID_CLIENT, Reason.INVALID_GRANT,
			Reason.ACCESS_KEY_REFUSED, Reason.INVALID_SCOPE, Reason.BAD_REQUEST);

	private static final Set<Reason> NETWORK = Set.of(Reason.TLS_FAILURE, Reason.PROXY_REFUSED);

	private final boolean accessKeyMode;

	/**
	 * Create a new instance.
	 * @param environment the environment of the application that failed
	 */
	public CxoneStartupFailureAnalyzer(Environment environment) {
		this.accessKeyMode = Binder.get(environment)
			.bind("cxone.auth-mode", CxoneProperties.AuthMode.class)
			.map(CxoneProperties.AuthMode.ACCESS_KEY::equals)
			.orElse(false);
	}

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, CxoneException cause) {
		if (cause instanceof CxoneTokenException token && REFUSALS.contains(token.getReason())) {
			return new FailureAnalysis("CXone refused the credentials at start-up: " + cause.getMessage(),
					"Fix the credentials named above. Starting the application anyway would only move this failure "
							+ "to the first call to CXone.",
					cause);
		}
		boolean discovery = cause instanceof CxoneDiscoveryException;
		if (!this.accessKeyMode || !(discovery || cause instanceof CxoneTokenException)) {
			return new FailureAnalysis("A call to CXone failed while the application was starting: " + cause.getMessage(),
					"Fix the cause named above. This call came from the application's own start-up code: the starter "
							+ "calls CXone at start-up only for access-key discovery, which fails with a discovery "
							+ "or token error.",
					cause);
		}
		boolean unreachable = discovery || ((CxoneTokenException) cause).isTransient()
				|| NETWORK.contains(((CxoneTokenException) cause).getReason());
		return new FailureAnalysis(
				(unreachable ? "CXone could not be reached at start-up: " : "CXone's answer at start-up was not usable: ")
						+ cause.getMessage(),
				"Fix the cause named above, or set cxone.discovery.fail-fast=false (CXONE_DISCOVERY_FAIL_FAST) to start "
						+ "the application anyway and try again on the first call.",
				cause);
	}

}
