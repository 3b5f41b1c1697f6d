package io.github.cxonestarter.cxone.web;

import java.time.Duration;
import java.util.List;

import io.github.cxonestarter.cxone.CxoneTestContexts;
import io.github.cxonestarter.cxone.CxoneWebClient;
import io.github.cxonestarter.cxone.test.EmbeddedCxone;
import io.github.cxonestarter.cxone.test.EmbeddedCxoneExtension;
import io.github.cxonestarter.cxone.test.RecordedRequest;
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
 * time: a fresh token lookup, its own replay after a 401, its own attempts.
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
