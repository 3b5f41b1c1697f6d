package io.github.cxonestarter.benchmarks;

import reactor.core.publisher.Mono;

/**
 * A client under benchmark: one API call, and a way to release its resources.
 */
interface BenchClient extends AutoCloseable {

	String name();

	Mono<String> call(String path);

	@Override
	void close();

}
