package io.github.cxonestarter.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.service.registry.HttpServiceGroup;
import org.springframework.web.service.registry.ImportHttpServices;

/**
 * The sample application: with {@code CXONE_*} credentials it talks to that tenant; without
 * them it starts an embedded CXone on loopback and talks to that. {@link CxoneApi} is a
 * declarative interface in the {@code cxone} HTTP service group, which the starter
 * configures.
 *
 * @since 0.1.0
 */
@SpringBootApplication
public class SampleApplication {

	public static void main(String[] args) {
		SpringApplication.run(SampleApplication.class, args);
	}

	/**
	 * The {@code cxone} group, which calls the one tenant of the top-level keys: with
	 * {@code cxone.tenants.*} there is none, and the sample answers through
	 * {@link TenantController} only.
	 */
	@Configuration(proxyBeanMethods = false)
	@Conditional(OnSingleTenant.class)
	@ImportHttpServices(group = "cxone", types = CxoneApi.class, clientType = HttpServiceGroup.ClientType.WEB_CLIENT)
	static class CxoneGroupConfiguration {

	}

}
