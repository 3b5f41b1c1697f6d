package io.github.cxonestarter.sample;

import java.time.Duration;
import java.util.List;

import io.github.cxonestarter.cxone.test.AutoConfigureEmbeddedCxone;
import io.github.cxonestarter.cxone.test.EmbeddedCxone;
import io.github.cxonestarter.cxone.test.RecordedRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A test written the way a user of the starter would write one: {@link AutoConfigureEmbeddedCxone}
 * points the application at an embedded CXone, which the test drives and inspects.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "sample.embedded-cxone.enabled=false")
@AutoConfigureEmbeddedCxone
class RecentConversationsTests {

	@Autowired
	private EmbeddedCxone cxone;

	@Value("${local.server.port}")
	private int port;

	@BeforeEach
	void resetCxone() {
		this.cxone.reset();
	}

	@Test
	void whenCxoneRateLimitsOnceThenTheQueryStillAnswersAfterRetryAfter() {
		// Only the query meets the 429: the start-up "who am I" check may still be on its way.
		this.cxone.enqueueApiFaults(EmbeddedCxone.CONVERSATIONS_SUMMARY_PATH, 1, 429, "1");
		String body = SampleClient.forPort(this.port)
			.get()
			.uri("/conversations/recent")
			.retrieve()
			.bodyToMono(String.class)
			.block(Duration.ofSeconds(30));
		assertThat(body).contains("\"interactionType\":\"INBOUND\"");
		List<RecordedRequest> queries = this.cxone.apiRequests()
			.stream()
			.filter((request) -> request.path().equals(EmbeddedCxone.CONVERSATIONS_SUMMARY_PATH))
			.toList();
		assertThat(queries).extracting(RecordedRequest::status).containsExactly(429, 200);
		RecordedRequest query = queries.get(1);
		assertThat(query.method()).isEqualTo("POST");
		assertThat(query.path()).isEqualTo(EmbeddedCxone.CONVERSATIONS_SUMMARY_PATH);
		assertThat(query.body()).contains("\"groupBy\":[\"interactionType\"]", "\"mediaType\":[\"voice\"]");
		assertThat(Duration.between(queries.get(0).receivedAt(), query.receivedAt()))
			.isGreaterThanOrEqualTo(Duration.ofSeconds(1));
	}

}
