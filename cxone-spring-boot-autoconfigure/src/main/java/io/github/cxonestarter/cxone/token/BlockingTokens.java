package io.github.cxonestarter.cxone.token;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.github.cxonestarter.cxone.CxoneBlockingCallException;
import io.github.cxonestarter.cxone.CxoneTokenException;
import reactor.core.Exceptions;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;

/**
 * The blocking way to the application's token, for RestClient and Spring Security's
 * blocking interfaces: the same {@link CxoneTokenManager}, so the same single flight and
 * the same token as the reactive clients. A valid token is returned without subscribing to
 * anything; otherwise the caller waits for the shared token request, at most
 * {@code cxone.token.timeout}. Waiting works on platform and virtual threads alike, and is
 * refused on a Reactor non-blocking thread, where it would stall an event loop.
 *
 * @since 0.1.0
 */
public class BlockingTokens {

	private final CxoneTokenManager tokens;

	private final Duration timeout;

	/**
	 * Create a new instance.
	 * @param tokens the token manager
	 * @param timeout the longest wait for a token ({@code cxone.token.timeout})
	 */
	public BlockingTokens(CxoneTokenManager tokens, Duration timeout) {
		this.tokens = tokens;
		this.timeout = timeout;
	}

	/**
	 * Return the token manager the tokens come from.
	 * @return the token manager
	 */
	public CxoneTokenManager manager() {
		return this.tokens;
	}

	/**
	 * Return the authorized client holding a valid token, waiting for one when none is
	 * held.
	 * @return the authorized client
	 * @throws CxoneTokenException when no token could be had in time
	 * @throws CxoneBlockingCallException on a non-blocking thread, or when interrupted
	 */
	public OAuth2AuthorizedClient authorize() {
		OAuth2AuthorizedClient valid = this.tokens.valid();
		return (valid != null) ? valid : await(this.tokens.authorize(), "a CXone token");
	}

	/**
	 * Wait for what the given publisher gives, at most {@code cxone.token.timeout}: a
	 * token, a replacement, the discovered API host.
	 * @param <T> the type of the value
	 * @param source the publisher
	 * @param what what is waited for, for messages
	 * @return the value, or {@code null} when the publisher completed empty
	 */
	public <T> T await(Mono<T> source, String what) {
		checkMayBlock();
		CompletableFuture<T> future = source.toFuture();
		try {
			return future.get(this.timeout.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (ExecutionException ex) {
			throw Exceptions.propagate(ex.getCause());
		}
		catch (TimeoutException ex) {
			future.cancel(true);
			throw new CxoneTokenException(CxoneTokenException.Reason.TIMEOUT, 0, null, "Waited "
					+ this.timeout.toMillis() + " ms (cxone.token.timeout) for " + what + " and none came. Check the "
					+ "network path to CXone's token endpoint, or raise cxone.token.timeout (CXONE_TOKEN_TIMEOUT).");
		}
		catch (InterruptedException ex) {
			future.cancel(true);
			Thread.currentThread().interrupt();
			throw new CxoneBlockingCallException("The thread was interrupted while it waited for " + what + ".");
		}
	}

	/**
	 * Refuse to block a Reactor non-blocking thread.
	 * @throws CxoneBlockingCallException on such a thread
	 */
	public static void checkMayBlock() {
		if (Schedulers.isInNonBlockingThread()) {
			throw new CxoneBlockingCallException("A blocking CXone call (CxoneRestClient, or the blocking "
					+ "OAuth2AuthorizedClientManager) was made on the non-blocking thread '" + Thread.currentThread().getName()
					+ "', where blocking would stall every request that thread serves. Use CxoneWebClient in reactive "
					+ "code, or make the call on a thread that may block (publishOn(Schedulers.boundedElastic())).");
		}
	}

}
