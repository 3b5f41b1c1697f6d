package io.github.cxonestarter.cxone;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;

/**
 * A test application with every auto-configuration but Spring Security's: the
 * authorization server that other tests use is on the classpath, and would otherwise
 * secure the application under test.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration(excludeName = { CxoneTestApplication.SECURITY + "SecurityAutoConfiguration",
		CxoneTestApplication.SECURITY + "UserDetailsServiceAutoConfiguration",
		CxoneTestApplication.SECURITY + "web.servlet.ServletWebSecurityAutoConfiguration",
		CxoneTestApplication.SECURITY + "web.servlet.SecurityFilterAutoConfiguration",
		CxoneTestApplication.SECURITY + "actuate.web.servlet.ManagementWebSecurityAutoConfiguration",
		CxoneTestApplication.AUTHORIZATION_SERVER + "OAuth2AuthorizationServerAutoConfiguration",
		CxoneTestApplication.AUTHORIZATION_SERVER + "OAuth2AuthorizationServerJwtAutoConfiguration" })
public @interface CxoneTestApplication {

	/**
	 * Package of Spring Boot's security auto-configurations.
	 */
	String SECURITY = "org.springframework.boot.security.autoconfigure.";

	/**
	 * Package of Spring Boot's authorization server auto-configurations.
	 */
	String AUTHORIZATION_SERVER = "org.springframework.boot.security.oauth2.server.authorization.autoconfigure.servlet.";

}
