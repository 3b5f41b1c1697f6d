package io.github.cxonestarter.cxone.test;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The faults {@link EmbeddedCxone} injects: queued faults for the token endpoint, the API
 * (for any path or one path) and discovery, each answered once; delays; refused tokens;
 * a trickled token response; 401 answers sent before the request body is read.
 */
final class FaultPlan {

	private final ConcurrentLinkedQueue<InjectedFault> tokenFaults = new ConcurrentLinkedQueue<>();

	private final ConcurrentLinkedQueue<PathFault> apiFaults = new ConcurrentLinkedQueue<>();

	private final ConcurrentLinkedQueue<InjectedFault> discoveryFaults = new ConcurrentLinkedQueue<>();

	private final Set<String> refusedPaths = ConcurrentHashMap.newKeySet();

	private volatile boolean refuseAllTokens;

	private volatile Duration tokenDelay = Duration.ZERO;

	private volatile Duration apiDelay = Duration.ZERO;

	private volatile Duration tokenTrickle;

	private volatile boolean unauthorizedBeforeBody;

	void enqueueTokenFaults(int count, InjectedFault fault) {
		for (int i = 0; i < count; i++) {
			this.tokenFaults.add(fault);
		}
	}

	void enqueueApiFaults(String path, int count, InjectedFault fault) {
		if (path != null) {
			requirePath(path);
		}
		for (int i = 0; i < count; i++) {
			this.apiFaults.add(new PathFault(path, fault));
		}
	}

	void enqueueDiscoveryFaults(int count, InjectedFault fault) {
		for (int i = 0; i < count; i++) {
			this.discoveryFaults.add(fault);
		}
	}

	InjectedFault nextTokenFault() {
		return this.tokenFaults.poll();
	}

	InjectedFault nextDiscoveryFault() {
		return this.discoveryFaults.poll();
	}

	InjectedFault nextApiFault(String path) {
		for (PathFault planned : this.apiFaults) {
			// remove() succeeds for one request only, so that each fault is answered once.
			if (planned.appliesTo(path) && this.apiFaults.remove(planned)) {
				return planned.fault();
			}
		}
		return null;
	}

	void refuseAllTokens(boolean refuse) {
		this.refuseAllTokens = refuse;
	}

	void refuseTokens(String path, boolean refuse) {
		requirePath(path);
		if (refuse) {
			this.refusedPaths.add(path);
		}
		else {
			this.refusedPaths.remove(path);
		}
	}

	/**
	 * Refuse a path that no request path can equal (request paths are compared without
	 * their query), so that a fault or a refusal never silently fails to apply.
	 */
	private static void requirePath(String path) {
		if (path == null || !path.startsWith("/") || path.indexOf('?') >= 0 || path.indexOf('#') >= 0) {
			throw new IllegalArgumentException("Not a request path (one that starts with / and has no query): " + path);
		}
	}

	boolean refusesTokens(String path) {
		return this.refuseAllTokens || this.refusedPaths.contains(path);
	}

	Duration tokenDelay() {
		return this.tokenDelay;
	}

	void tokenDelay(Duration delay) {
		this.tokenDelay = delay;
	}

	Duration apiDelay() {
		return this.apiDelay;
	}

	void apiDelay(Duration delay) {
		this.apiDelay = delay;
	}

	Duration tokenTrickle() {
		return this.tokenTrickle;
	}

	void tokenTrickle(Duration interval) {
		this.tokenTrickle = interval;
	}

	boolean unauthorizedBeforeBody() {
		return this.unauthorizedBeforeBody;
	}

	void unauthorizedBeforeBody(boolean before) {
		this.unauthorizedBeforeBody = before;
	}

	void reset() {
		this.tokenFaults.clear();
		this.apiFaults.clear();
		this.discoveryFaults.clear();
		this.refusedPaths.clear();
		this.refuseAllTokens = false;
		this.tokenDelay = Duration.ZERO;
		this.apiDelay = Duration.ZERO;
		this.tokenTrickle = null;
		this.unauthorizedBeforeBody = false;
	}

	private record PathFault(String path, InjectedFault fault) {

		boolean appliesTo(String requestPath) {
			return this.path == null || this.path.equals(requestPath);
		}

	}

}
