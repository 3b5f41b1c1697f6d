package io.github.cxonestarter.sample.servlet;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.github.cxonestarter.cxone.CxoneRestClient;
import io.github.cxonestarter.cxone.test.AutoConfigureEmbeddedCxone;
import io.github.cxonestarter.cxone.test.EmbeddedCxone;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Import;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code spring.threads.virtual.enabled=true}: Tomcat serves requests on virtual threads,
 * and the blocking CXone clients wait for their token and their answers there. These tests
 * run in a Java 21+ JVM of their own (the {@code virtual-threads} Surefire execution), and
 * first check that the threads are virtual, so that they cannot pass on platform threads.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "spring.threads.virtual.enabled=true")
@AutoConfigureEmbeddedCxone
@Import(VirtualThreadsTests.ThreadProbe.class)
class VirtualThreadsTests {

	@Value("${local.server.port}")
	private int port;

	@Autowired
	private EmbeddedCxone cxone;

	@Autowired
	private CxoneRestClient cxoneRestClient;

	@Test
	void whenVirtualThreadsServeRequestsThenTheInterfaceAndTheRestClientAnswerOnThem() {
		this.cxone.reset();
		Map<String, Object> probe = RestClient.create("http://127.0.0.1:" + this.port).get().uri("/probe")
			.retrieve().body(ServletApplicationTests.JSON);
		assertThat(probe).containsEntry("virtual", true)
			.containsEntry("directory", "Embedded CXone API Key")
			.containsEntry("restClient", "Embedded CXone API Key");
		assertThat(this.cxone.apiRequests()).hasSize(2);
	}

	@Test
	void whenManyVirtualThreadsCallAtOnceThenTheyShareOneTokenRequest() {
		this.cxone.reset();
		this.cxone.revokeAllTokens();
		this.cxone.tokenDelay(java.time.Duration.ofMillis(300));
		SimpleAsyncTaskExecutor virtualThreads = new SimpleAsyncTaskExecutor("cxone-virtual-");
		virtualThreads.setVirtualThreads(true);
		int before = this.cxone.tokenRequestCount();
		List<CompletableFuture<Boolean>> calls = new ArrayList<>();
		for (int i = 0; i < 50; i++) {
			calls.add(virtualThreads.submitCompletable(() -> {
				this.cxoneRestClient.get().uri(EmbeddedCxone.WHOAMI_PATH).retrieve().body(String.class);
				return isVirtual(Thread.currentThread());
			}));
		}
		assertThat(calls).allSatisfy((call) -> assertThat(call.join()).as("ran on a virtual thread").isTrue());
		// The revoked token is refused once by each caller that held it: one replacement for all of them.
		assertThat(this.cxone.tokenRequestCount() - before).isEqualTo(1);
		assertThat(this.cxone.apiRequests()).filteredOn((request) -> request.status() == 200).hasSize(50);
	}

	static boolean isVirtual(Thread thread) {
		try {
			return (Boolean) Thread.class.getMethod("isVirtual").invoke(thread);
		}
		catch (ReflectiveOperationException ex) {
			// Before Java 21 there are no virtual threads.
			return false;
		}
	}

	@TestConfiguration(proxyBeanMethods = false)
	@RestController
	static class ThreadProbe {

		private final CxoneDirectory directory;

		private final CxoneRestClient restClient;

		ThreadProbe(CxoneDirectory directory, CxoneRestClient restClient) {
			this.directory = directory;
			this.restClient = restClient;
		}

		@GetMapping("/probe")
		Map<String, Object> probe() {
			Object viaDirectory = this.directory.whoami().get("name");
			Object viaRestClient = this.restClient.get().uri(EmbeddedCxone.WHOAMI_PATH).retrieve()
				.body(ServletApplicationTests.JSON).get("name");
			return Map.of("virtual", isVirtual(Thread.currentThread()), "directory", viaDirectory, "restClient",
					viaRestClient);
		}

	}

}
