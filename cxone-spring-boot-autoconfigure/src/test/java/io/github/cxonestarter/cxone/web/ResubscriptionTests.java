package io.github.cxonestarter.cxone.web;

import java.time.Duration;
import java.util.List;

import io.github.cxonestarter.cxone.CxoneApiException;
import io.github.cxonestarter.cxone.CxoneTestContexts;
import io.github.cxonestarter.cxone.CxoneWebClient;
import io.github.cxonestarter.cxone.test.EmbeddedCxone;
import io.github.cxonestarter.cxone.test.EmbeddedCxoneExtension;
import io.github.cxonestarter.cxone.test.InjectedFault;
import io.github.cxonestarter.cxone.test.RecordedRequest;
import io.github.resilience4j.retry.Retry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Mono;

import org.springframework.boot.webclient.WebClientCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.client.ClientResponse;

import static io.github.cxonestarter.cxone.CxoneTestContexts.whoami;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A filter of the application's that runs before the starter's and subscribes to the
 * starter's exchange more than once (as a retrying filter does) gets a whole call each
 * time: a fresh token lookup, its own replay after a 401, its own attempts, counted by
 * Resilience4j as a call of its own.
 */
@ExtendWith(EmbeddedCxoneExtension.class)
class ResubscriptionTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static final String TWICE = "twice";

	private static EmbeddedCxone server;

	private EmbeddedCxone cxone;

	@BeforeEach
	void useCxone(EmbeddedCxone cxone) {
		this.cxone = cxone;
		server = cxone;
	}

	@Test
	void whenAnOuterFilterSubscribesTwiceThenEachSubscriptionIsReplayedOnceAfterItsOwn401() {
		CxoneTestContexts.runner(this.cxone).withUserConfiguration(TwiceConfiguration.class).run((context) -> {
			// A token is held, then revoked: each subscription meets a 401 and is replayed with a new token.
			whoami(context.getBean(CxoneWebClient.class)).block(TIMEOUT);
			this.cxone.revokeAllTokens();
			String answer = context.getBean(CxoneWebClient.class)
				.get()
				.uri(EmbeddedCxone.WHOAMI_PATH)
				.attribute(TWICE, true)
				.retrieve()
				.bodyToMono(String.class)
				.block(TIMEOUT);
			assertThat(answer).contains("Embedded CXone API Key");
			List<RecordedRequest> requests = this.cxone.apiRequests();
			// The first call, then 401 and its replay, then (revoked again) 401 and its replay.
			assertThat(requests).hasSize(5);
			assertThat(this.cxone.tokenRequestCount()).isEqualTo(3);
		});
	}

	@Test
	void whenAnOuterFilterRetriesAfterTheTokenWasReplacedThenTheRetrySendsTheCurrentToken() {
		CxoneTestContexts.runner(this.cxone).withUserConfiguration(OnceMoreConfiguration.class).run((context) -> {
			CxoneWebClient client = context.getBean(CxoneWebClient.class);
			whoami(client).block(TIMEOUT);
			this.cxone.revokeAllTokens();
			this.cxone.enqueueApiFaults(EmbeddedCxone.WHOAMI_PATH, 1, InjectedFault.status(409));
			// 401 with the revoked token, 409 with the new one, then the outer filter's retry: the new token, 200.
			assertThat(whoami(client).block(TIMEOUT)).contains("Embedded CXone API Key");
			List<RecordedRequest> requests = this.cxone.apiRequests();
			assertThat(requests).extracting(RecordedRequest::status).containsExactly(200, 401, 409, 200);
			assertThat(requests.get(3).header("Authorization")).isEqualTo(requests.get(2).header("Authorization"))
				.isNotEqualTo(requests.get(1).header("Authorization"));
			assertThat(this.cxone.tokenRequestCount()).isEqualTo(2);
		});
	}

	@Test
	void whenAnOuterFilterRetriesACallWhoseRetriesRanOutThenResilience4jCountsBothCalls() {
		CxoneTestContexts.runner(this.cxone)
			.withPropertyValues("cxone.retry.initial-backoff=10ms", "cxone.retry.max-attempts=4")
			.withUserConfiguration(RetryOnApiExceptionConfiguration.class)
			.run((context) -> {
				Retry retry = context.getBean("cxoneRetry", Retry.class);
				this.cxone.enqueueApiFaults(EmbeddedCxone.WHOAMI_PATH, 4, InjectedFault.status(503));
				// The starter's four attempts fail; the outer filter's second run succeeds at once.
				assertThat(whoami(context.getBean(CxoneWebClient.class)).block(TIMEOUT)).contains("Embedded CXone API Key");
				assertThat(this.cxone.apiRequestCount()).isEqualTo(5);
				Retry.Metrics metrics = retry.getMetrics();
				assertThat(metrics.getNumberOfFailedCallsWithRetryAttempt()).isEqualTo(1);
				assertThat(metrics.getNumberOfSuccessfulCallsWithoutRetryAttempt()).isEqualTo(1);
				assertThat(metrics.getNumberOfSuccessfulCallsWithRetryAttempt()).isZero();
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class OnceMoreConfiguration {

		// An application-wide filter that tries a call once more when CXone answers 409.
		@Bean
		WebClientCustomizer onceMore() {
			return (builder) -> builder.filter((request, next) -> next.exchange(request).flatMap((response) -> {
				if (response.statusCode().value() == 409) {
					return response.releaseBody().then(Mono.<ClientResponse>error(new IllegalStateException("409")));
				}
				return Mono.just(response);
			}).retry(1));
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class RetryOnApiExceptionConfiguration {

		@Bean
		WebClientCustomizer onceMoreOnApiException() {
			return (builder) -> builder.filter((request, next) -> next.exchange(request)
				.retryWhen(reactor.util.retry.Retry.max(1).filter(CxoneApiException.class::isInstance)));
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class TwiceConfiguration {

		// Subscribes to the starter's exchange, reads the answer, revokes the tokens, and subscribes again,
		// for requests with the attribute TWICE.
		@Bean
		WebClientCustomizer twice() {
			return (builder) -> builder.filter((request, next) -> {
				Mono<ClientResponse> exchange = next.exchange(request);
				if (request.attribute(TWICE).isEmpty()) {
					return exchange;
				}
				return exchange.flatMap((first) -> first.releaseBody()
					.then(Mono.fromRunnable(() -> server.revokeAllTokens()))
					.then(exchange));
			});
		}

	}

}
