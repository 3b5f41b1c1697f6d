package io.github.cxonestarter.sample.servlet;

import io.github.cxonestarter.cxone.CxoneRestClient;
import io.github.cxonestarter.cxone.test.AutoConfigureEmbeddedCxone;
import io.github.cxonestarter.cxone.test.EmbeddedCxone;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * An application that makes {@code RestClient.Builder} a singleton of its own: the starter
 * builds {@code CxoneRestClient} and the {@code cxone} group from clones, so the
 * application's builder gets no base URL, no interceptor and no token.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@AutoConfigureEmbeddedCxone
@Import(OwnRestClientBuilderTests.OwnBuilder.class)
class OwnRestClientBuilderTests {

	@Autowired
	private RestClient.Builder own;

	@Autowired
	private CxoneRestClient cxoneRestClient;

	@Autowired
	private CxoneDirectory directory;

	@Autowired
	private EmbeddedCxone cxone;

	@Test
	void whenTheStarterHasBuiltItsClientsThenTheApplicationsBuilderIsUntouched() {
		assertThat(this.directory.whoami()).containsKey("name");
		assertThat(this.cxoneRestClient.get().uri(EmbeddedCxone.WHOAMI_PATH).retrieve().body(String.class))
			.contains("Embedded CXone API Key");
		this.own.requestInterceptors((interceptors) -> assertThat(interceptors).isEmpty());
		RestClient plain = this.own.build();
		assertThatExceptionOfType(HttpClientErrorException.Unauthorized.class).isThrownBy(
				() -> plain.get().uri(this.cxone.baseUrl() + EmbeddedCxone.WHOAMI_PATH).retrieve().body(String.class));
		assertThat(this.cxone.apiRequests().get(this.cxone.apiRequests().size() - 1).header("Authorization")).isNull();
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class OwnBuilder {

		@Bean
		RestClient.Builder restClientBuilder() {
			return RestClient.builder();
		}

	}

}
