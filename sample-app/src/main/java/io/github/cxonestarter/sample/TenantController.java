package io.github.cxonestarter.sample;

import java.util.Map;

import io.github.cxonestarter.cxone.CxoneClients;
import io.github.cxonestarter.cxone.CxoneUnknownTenantException;
import reactor.core.publisher.Mono;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * "Who am I" of any tenant, through {@link CxoneClients}: those under
 * {@code cxone.tenants.*}, or {@code default} for the top-level {@code cxone.*} keys. An
 * unknown name answers 404, naming the known tenants.
 *
 * @since 0.1.0
 */
@RestController
class TenantController {

	private static final ParameterizedTypeReference<Map<String, Object>> JSON_OBJECT = new ParameterizedTypeReference<>() {
	};

	private final CxoneClients clients;

	TenantController(CxoneClients clients) {
		this.clients = clients;
	}

	@GetMapping("/tenants/{name}/whoami")
	Mono<Map<String, Object>> whoami(@PathVariable String name) {
		return this.clients.webClient(name)
			.get()
			.uri(CxoneIdentity.WHOAMI_PATH)
			.retrieve()
			.bodyToMono(JSON_OBJECT);
	}

	@ExceptionHandler
	ProblemDetail unknownTenant(CxoneUnknownTenantException ex) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, ex.getMessage());
		problem.setProperty("knownTenants", ex.getKnownTenants());
		return problem;
	}

}
