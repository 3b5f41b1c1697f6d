package io.github.cxonestarter.cxone.test;

import java.time.Instant;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import reactor.netty.http.server.HttpServerRequest;

/**
 * What {@link EmbeddedCxone} received: every request with the status it answered, how
 * many token and API requests arrived (counted even with the journal off), and how many
 * connections were accepted and are open.
 */
final class RequestJournal {

	private final ConcurrentLinkedQueue<RecordedRequest> requests = new ConcurrentLinkedQueue<>();

	private final AtomicInteger tokenRequests = new AtomicInteger();

	private final AtomicInteger apiRequests = new AtomicInteger();

	private final AtomicInteger openConnections = new AtomicInteger();

	private final AtomicInteger totalConnections = new AtomicInteger();

	private volatile boolean enabled = true;

	void enabled(boolean enabled) {
		this.enabled = enabled;
	}

	void connectionOpened() {
		this.openConnections.incrementAndGet();
		this.totalConnections.incrementAndGet();
	}

	void connectionClosed() {
		this.openConnections.decrementAndGet();
	}

	/**
	 * Count a request as it arrives, before it is answered.
	 * @param path the request path
	 */
	void arrived(String path) {
		if (Paths.isToken(path)) {
			this.tokenRequests.incrementAndGet();
		}
		else if (!Paths.isDiscovery(path)) {
			this.apiRequests.incrementAndGet();
		}
	}

	/**
	 * Keep a request with the status it was answered, {@code 0} when no status was sent.
	 */
	void record(HttpServerRequest request, String body, Instant receivedAt, int status) {
		if (!this.enabled) {
			return;
		}
		Map<String, String> headers = new LinkedHashMap<>();
		request.requestHeaders()
			.forEach((header) -> headers.putIfAbsent(header.getKey().toLowerCase(Locale.ROOT), header.getValue()));
		String uri = request.uri();
		int query = uri.indexOf('?');
		this.requests.add(new RecordedRequest(request.method().name(), Paths.of(request),
				(query < 0) ? "" : uri.substring(query + 1), Collections.unmodifiableMap(headers), body, receivedAt,
				status));
	}

	List<RecordedRequest> requests(Predicate<RecordedRequest> filter) {
		// Kept when answered, listed as they arrived: a slow answer (a token delay) must not
		// put an older request after a younger one.
		return this.requests.stream()
			.filter(filter)
			.sorted(Comparator.comparing(RecordedRequest::receivedAt))
			.toList();
	}

	int tokenRequestCount() {
		return this.tokenRequests.get();
	}

	int apiRequestCount() {
		return this.apiRequests.get();
	}

	int openConnections() {
		return this.openConnections.get();
	}

	int totalConnections() {
		return this.totalConnections.get();
	}

	void reset() {
		this.requests.clear();
		this.tokenRequests.set(0);
		this.apiRequests.set(0);
		this.totalConnections.set(0);
		this.enabled = true;
	}

}
