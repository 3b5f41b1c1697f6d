package io.github.cxonestarter.sample.servlet;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.web.service.registry.ImportHttpServices;

/**
 * A servlet application that calls CXone: {@link CxoneDirectory} is in the {@code cxone}
 * HTTP service group, which the starter configures; nothing else is wired by hand.
 */
@SpringBootApplication
@ImportHttpServices(group = "cxone", types = CxoneDirectory.class)
public class ServletSampleApplication {

	public static void main(String[] args) {
		SpringApplication.run(ServletSampleApplication.class, args);
	}

}
