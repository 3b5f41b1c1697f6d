package io.github.cxonestarter.cxone.web;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.cxonestarter.cxone.CxoneRestClient;
import io.github.cxonestarter.cxone.CxoneRestClientCustomizer;
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
import org.springframework.http.client.support.HttpRequestWrapper;

import static io.github.cxonestarter.cxone.CxoneTestContexts.whoami;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the application's own RestClient interceptors do to the starter's, and the
 * starter's to them: a wrapper that hands out a new copy of the headers on each call still
 * lets the token through; an interceptor that looks at the request while the call runs
 * never sees the token; headers that the application's inner interceptors add on one
 * attempt are not carried into the next one, nor back out to the outer interceptors.
 */
@ExtendWith(EmbeddedCxoneExtension.class)
class ApplicationInterceptorsTests {

	private EmbeddedCxone cxone;

	@BeforeEach
	void useCxone(EmbeddedCxone cxone) {
		this.cxone = cxone;
	}

	private ApplicationContextRunner runner() {
		return CxoneTestContexts.runner(this.cxone).withPropertyValues("cxone.retry.initial-backoff=10ms");
	}

	@Test
	void whenAnOuterWrapperCopiesTheHeadersOnEveryCallThenTheTokenIsStillSent() {
		runner().withUserConfiguration(CopyingWrapperConfiguration.class).run((context) -> {
			whoami(context.getBean(CxoneRestClient.class));
			List<RecordedRequest> requests = this.cxone.apiRequests();
			assertThat(requests).singleElement().satisfies((request) -> {
				assertThat(request.header("Authorization")).startsWith("Bearer ");
				assertThat(request.header("X-Tag")).isEqualTo("app");
			});
		});
	}

	@Test
	void whenAnOuterInterceptorLooksAtTheRequestWhileTheCallRunsThenItNeverSeesTheToken() {
		this.cxone.apiDelay(Duration.ofMillis(600));
		runner().withUserConfiguration(WatchdogConfiguration.class).run((context) -> {
			whoami(context.getBean(CxoneRestClient.class));
			assertThat(this.cxone.apiRequests()).singleElement()
				.satisfies((request) -> assertThat(request.header("Authorization")).startsWith("Bearer "));
			assertThat(context.getBean(Seen.class).headers).hasSize(1)
				.allSatisfy((headers) -> assertThat(headers.containsHeader(HttpHeaders.AUTHORIZATION)).isFalse());
		});
	}

	@Test
	void whenAnInnerInterceptorAddsAHeaderOnEachAttemptThenEachAttemptSendsOnlyItsOwn() {
		this.cxone.enqueueApiFaults(EmbeddedCxone.WHOAMI_PATH, 2, InjectedFault.status(503));
		runner().withUserConfiguration(InnerAddingConfiguration.class).run((context) -> {
			whoami(context.getBean(CxoneRestClient.class));
			List<RecordedRequest> requests = this.cxone.apiRequests();
			// The first value of each request's X-Attempt: carried over, the first attempt's would come first.
			assertThat(requests).extracting((request) -> request.header("X-Attempt")).containsExactly("1", "2", "3");
			assertThat(context.getBean(Seen.class).headers).singleElement()
				.satisfies((headers) -> assertThat(headers.containsHeader("X-Attempt")).isFalse());
		});
	}

	static final class Seen {

		final List<HttpHeaders> headers = new CopyOnWriteArrayList<>();

	}

	@Configuration(proxyBeanMethods = false)
	static class CopyingWrapperConfiguration {

		// A common way to add a header: a wrapper whose headers are a new copy on each call.
		@Bean
		RestClientCustomizer tagging() {
			return (builder) -> builder.requestInterceptor((request, body, execution) -> execution
				.execute(new HttpRequestWrapper(request) {

					@Override
					public HttpHeaders getHeaders() {
						HttpHeaders headers = new HttpHeaders();
						headers.putAll(super.getHeaders());
						headers.set("X-Tag", "app");
						return headers;
					}

				}, body));
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class WatchdogConfiguration {

		@Bean
		Seen seen() {
			return new Seen();
		}

		// Slow-call logging: 200 ms into the call, another thread logs the request still running.
		@Bean
		RestClientCustomizer slowCallLogger(Seen seen) {
			return (builder) -> builder.requestInterceptor((request, body, execution) -> {
				Thread logger = new Thread(() -> {
					try {
						Thread.sleep(200);
						seen.headers.add(HttpHeaders.copyOf(request.getHeaders()));
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
				});
				logger.start();
				try {
					return execution.execute(request, body);
				}
				finally {
					try {
						logger.join();
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
				}
			});
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class InnerAddingConfiguration {

		@Bean
		Seen seen() {
			return new Seen();
		}

		@Bean
		RestClientCustomizer outerLooking(Seen seen) {
			return (builder) -> builder.requestInterceptor((request, body, execution) -> {
				try {
					return execution.execute(request, body);
				}
				finally {
					seen.headers.add(HttpHeaders.copyOf(request.getHeaders()));
				}
			});
		}

		@Bean
		CxoneRestClientCustomizer attemptHeader() {
			AtomicInteger attempts = new AtomicInteger();
			return (builder) -> builder.requestInterceptor((request, body, execution) -> {
				request.getHeaders().add("X-Attempt", String.valueOf(attempts.incrementAndGet()));
				return execution.execute(request, body);
			});
		}

	}

}
