package io.github.cxonestarter.cxone.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.test.context.PropertyMapping;
import org.springframework.context.annotation.Import;

/**
 * Starts an {@link EmbeddedCxone} with the test's application context and points the
 * starter's {@code cxone.*} properties at it (base URL, token URI, client ID and secret),
 * through a {@code DynamicPropertyRegistrar}. The server is a bean, so a test can inject it
 * to inject faults and read the journal:
 * <pre class="code">
 * &#64;SpringBootTest
 * &#64;AutoConfigureEmbeddedCxone
 * class MyTests {
 *
 *     &#64;Autowired
 *     EmbeddedCxone cxone;
 *
 * }
 * </pre>
 * With {@code https = true} the server serves HTTPS with a certificate it makes at
 * start-up, and the application trusts it through an SSL bundle (registered with Boot's SSL bundle registry) named
 * {@value EmbeddedCxoneTestConfiguration#SSL_BUNDLE} ({@code cxone.http.ssl.bundle}), so
 * that the test runs the whole TLS path.
 *
 * @since 0.1.0
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@Import(EmbeddedCxoneTestConfiguration.class)
@PropertyMapping("embedded-cxone")
public @interface AutoConfigureEmbeddedCxone {

	/**
	 * Whether the embedded CXone serves HTTPS, trusted by the application through the
	 * SSL bundle {@value EmbeddedCxoneTestConfiguration#SSL_BUNDLE}.
	 * @return whether to serve HTTPS
	 * @since 0.1.0
	 */
	boolean https() default false;

}
