package io.github.cxonestarter.cxone.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

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
 *
 * @since 0.1.0
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@Import(EmbeddedCxoneTestConfiguration.class)
public @interface AutoConfigureEmbeddedCxone {

}
