package io.github.cxonestarter.sample.servlet;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import io.github.cxonestarter.cxone.test.AutoConfigureEmbeddedCxone;
import io.github.cxonestarter.cxone.test.EmbeddedCxone;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A cold servlet application (its own context, so its own embedded CXone and no token
 * yet): concurrent calls through the HTTP interface, {@code CxoneRestClient} and
 * {@code CxoneWebClient} make one token request between them.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "sample.context=one-token")
@AutoConfigureEmbeddedCxone
class OneTokenTests {

	@Value("${local.server.port}")
	private int port;

	@Autowired
	private EmbeddedCxone cxone;

	@Test
	void whenTheInterfaceTheRestClientAndTheWebClientAreCalledTogetherThenCxoneSeesOneTokenRequest() {
		this.cxone.tokenDelay(java.time.Duration.ofMillis(300));
		RestClient app = RestClient.create("http://127.0.0.1:" + this.port);
		ExecutorService callers = Executors.newFixedThreadPool(9);
		try {
			List<CompletableFuture<Map<String, Object>>> calls = new ArrayList<>();
			for (int i = 0; i < 9; i++) {
				String path = List.of("/whoami", "/whoami/rest-client", "/whoami/web-client").get(i % 3);
				calls.add(CompletableFuture.supplyAsync(
						() -> app.get().uri(path).retrieve().body(ServletApplicationTests.JSON), callers));
			}
			assertThat(calls).allSatisfy((call) -> assertThat(call.join()).containsKey("name"));
		}
		finally {
			callers.shutdownNow();
		}
		assertThat(this.cxone.tokenRequestCount()).isEqualTo(1);
		assertThat(this.cxone.apiRequests()).hasSize(9)
			.extracting((request) -> request.header("Authorization"))
			.containsOnly(this.cxone.apiRequests().get(0).header("Authorization"));
	}

}
