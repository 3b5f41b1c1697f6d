package io.github.cxonestarter.cxone.web;

import java.util.ArrayList;
import java.util.List;

import io.github.cxonestarter.cxone.CxoneRestClient;
import io.github.cxonestarter.cxone.CxoneTestContexts;
import io.github.cxonestarter.cxone.test.EmbeddedCxone;
import io.github.cxonestarter.cxone.test.EmbeddedCxoneExtension;
import io.github.cxonestarter.cxone.test.InjectedFault;
import io.github.cxonestarter.cxone.test.RecordedRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.restclient.RestClientCustomizer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpRequest;
import org.springframework.http.client.support.HttpRequestWrapper;

import static io.github.cxonestarter.cxone.CxoneTestContexts.whoami;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The interceptors of the application's own RestClient builder, which run before the
 * starter's, never see the token: not while the call runs, not after it returned, not
 * after a replay; and a request whose headers they made read-only still gets it.
 */
@ExtendWith(EmbeddedCxoneExtension.class)
class RestClientPlumbingTests {

	private EmbeddedCxone cxone;

	@BeforeEach
	void useCxone(EmbeddedCxone cxone) {
		this.cxone = cxone;
	}

	private ApplicationContextRunner runner() {
		return CxoneTestContexts.runner(this.cxone);
	}

	@Test
	void whenTheApplicationsInterceptorLooksAtTheRequestBeforeAndAfterTheCallThenItNeverSeesTheToken() {
		runner().withUserConfiguration(LookingInterceptorConfiguration.class).run((context) -> {
			LookingInterceptor looking = context.getBean(LookingInterceptor.class);
			whoami(context.getBean(CxoneRestClient.class));
			// A revoked token: the call is replayed with a new one, within the application's interceptor's call.
			this.cxone.revokeAllTokens();
			whoami(context.getBean(CxoneRestClient.class));
			List<RecordedRequest> requests = this.cxone.apiRequests();
			assertThat(requests).hasSize(3)
				.allSatisfy((request) -> assertThat(request.header("Authorization")).startsWith("Bearer "));
			assertThat(requests.get(1).header("Authorization")).isNotEqualTo(requests.get(2).header("Authorization"));
			assertThat(looking.seen).hasSize(4)
				.allSatisfy((headers) -> assertThat(headers.containsHeader(HttpHeaders.AUTHORIZATION)).isFalse());
		});
	}

	@Test
	void whenTheApplicationsInterceptorMakesTheHeadersReadOnlyThenTheTokenIsStillSentOnEveryAttempt() {
		runner().withPropertyValues("cxone.retry.initial-backoff=10ms")
			.withUserConfiguration(ReadOnlyHeadersConfiguration.class)
			.run((context) -> {
				this.cxone.enqueueApiFaults(EmbeddedCxone.WHOAMI_PATH, 1, InjectedFault.status(503));
				whoami(context.getBean(CxoneRestClient.class));
				List<RecordedRequest> requests = this.cxone.apiRequests();
				assertThat(requests).hasSize(2)
					.allSatisfy((request) -> assertThat(request.header("Authorization")).startsWith("Bearer "))
					.allSatisfy((request) -> assertThat(request.header("Content-Length")).isNull());
			});
	}

	static final class LookingInterceptor {

		final List<HttpHeaders> seen = new ArrayList<>();

	}

	@Configuration(proxyBeanMethods = false)
	static class LookingInterceptorConfiguration {

		@Bean
		LookingInterceptor lookingInterceptor() {
			return new LookingInterceptor();
		}

		// What a logging interceptor does: the request's headers before the call, and after it.
		@Bean
		RestClientCustomizer looking(LookingInterceptor looking) {
			return (builder) -> builder.requestInterceptor((request, body, execution) -> {
				looking.seen.add(HttpHeaders.copyOf(request.getHeaders()));
				try {
					return execution.execute(request, body);
				}
				finally {
					looking.seen.add(HttpHeaders.copyOf(request.getHeaders()));
				}
			});
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ReadOnlyHeadersConfiguration {

		@Bean
		RestClientCustomizer readOnlyHeaders() {
			return (builder) -> builder.requestInterceptor(
					(request, body, execution) -> execution.execute(new ReadOnlyHeadersRequest(request), body));
		}

	}

	static final class ReadOnlyHeadersRequest extends HttpRequestWrapper {

		private final HttpHeaders headers;

		ReadOnlyHeadersRequest(HttpRequest request) {
			super(request);
			this.headers = HttpHeaders.readOnlyHttpHeaders(HttpHeaders.copyOf(request.getHeaders()));
		}

		@Override
		public HttpHeaders getHeaders() {
			return this.headers;
		}

	}

}
