package io.github.cxonestarter.cxone.token;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import io.github.cxonestarter.cxone.CxoneBlockingCallException;
import io.github.cxonestarter.cxone.CxoneTokenException;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The bound of a blocking wait, whatever is waited for, and the threads it refuses.
 */
class BlockingTokensTests {

	private final BlockingTokens tokens = new BlockingTokens(null, Duration.ofMillis(200));

	@Test
	void whenNothingComesWithinTheTimeoutThenTheWaitEndsWithATimeoutErrorAndCancelsItsSubscription() {
		AtomicBoolean cancelled = new AtomicBoolean();
		assertThatExceptionOfType(CxoneTokenException.class)
			.isThrownBy(() -> this.tokens.await(Mono.never().doOnCancel(() -> cancelled.set(true)), "a CXone token"))
			.withMessageContaining("Waited 200 ms (cxone.token.timeout) for a CXone token")
			.satisfies((ex) -> assertThat(ex.getReason()).isEqualTo(CxoneTokenException.Reason.TIMEOUT));
		assertThat(cancelled).isTrue();
	}

	@Test
	void whenTheSourceFailsThenItsOwnErrorIsThrown() {
		IllegalStateException failure = new IllegalStateException("boom");
		assertThatExceptionOfType(IllegalStateException.class)
			.isThrownBy(() -> this.tokens.await(Mono.error(failure), "a CXone token"))
			.isSameAs(failure);
	}

	@Test
	void whenTheWaitingThreadIsInterruptedThenItStopsWaitingAndKeepsItsInterruptFlag() {
		Thread.currentThread().interrupt();
		try {
			assertThatExceptionOfType(CxoneBlockingCallException.class)
				.isThrownBy(() -> this.tokens.await(Mono.never(), "a CXone token"))
				.withMessageContaining("interrupted");
			assertThat(Thread.currentThread().isInterrupted()).isTrue();
		}
		finally {
			Thread.interrupted();
		}
	}

	@Test
	void whenAwaitedOnANonBlockingThreadThenItRefusesBeforeSubscribing() {
		AtomicBoolean subscribed = new AtomicBoolean();
		AtomicReference<Throwable> failure = new AtomicReference<>();
		Mono.fromRunnable(() -> this.tokens.await(Mono.just("x").doOnSubscribe((s) -> subscribed.set(true)), "x"))
			.subscribeOn(Schedulers.single())
			.doOnError(failure::set)
			.onErrorResume((ex) -> Mono.empty())
			.block(Duration.ofSeconds(10));
		assertThat(failure.get()).isInstanceOf(CxoneBlockingCallException.class)
			.hasMessageContaining("non-blocking thread 'single-");
		assertThat(subscribed).isFalse();
	}

}
