package io.github.cxonestarter.benchmarks;

/**
 * A blocking client under benchmark: one API call on the calling thread, and a way to
 * release its resources.
 */
interface BlockingBenchClient extends AutoCloseable {

	String name();

	String call(String path);

	@Override
	void close();

}
