package io.github.cxonestarter.cxone.test;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit Jupiter extension that runs an {@link EmbeddedCxone} for a test class, resets it
 * before each test, and injects it into test and lifecycle method parameters:
 * <pre class="code">
 * &#64;ExtendWith(EmbeddedCxoneExtension.class)
 * class MyTests {
 *
 *     &#64;Test
 *     void callsCxone(EmbeddedCxone cxone) {
 *         // point your client at cxone.baseUrl() and cxone.tokenUri()
 *     }
 *
 * }
 * </pre>
 * With Spring Boot tests, {@link AutoConfigureEmbeddedCxone} also sets the {@code cxone.*}
 * properties.
 *
 * @since 0.1.0
 */
public class EmbeddedCxoneExtension implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback, ParameterResolver {

	private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace
		.create(EmbeddedCxoneExtension.class);

	private static final String KEY = "embeddedCxone";

	@Override
	public void beforeAll(ExtensionContext context) {
		context.getStore(NAMESPACE).put(KEY, EmbeddedCxone.start());
	}

	@Override
	public void beforeEach(ExtensionContext context) {
		cxone(context).reset();
	}

	@Override
	public void afterAll(ExtensionContext context) {
		EmbeddedCxone cxone = context.getStore(NAMESPACE).remove(KEY, EmbeddedCxone.class);
		if (cxone != null) {
			cxone.close();
		}
	}

	@Override
	public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		return parameterContext.getParameter().getType() == EmbeddedCxone.class;
	}

	@Override
	public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		return cxone(extensionContext);
	}

	private static EmbeddedCxone cxone(ExtensionContext context) {
		EmbeddedCxone cxone = context.getStore(NAMESPACE).get(KEY, EmbeddedCxone.class);
		if (cxone == null) {
			throw new IllegalStateException("No EmbeddedCxone: register EmbeddedCxoneExtension with "
					+ "@ExtendWith on the test class, not on a method");
		}
		return cxone;
	}

}
