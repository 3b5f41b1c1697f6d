package io.github.cxonestarter.cxone.web;

import java.util.Arrays;

import io.github.cxonestarter.cxone.CxoneFailures;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.client.reactive.ClientHttpRequest;
import org.springframework.http.client.reactive.ClientHttpRequestDecorator;
import org.springframework.web.reactive.function.BodyInserter;
import org.springframework.web.reactive.function.client.ClientRequest;

/**
 * A request body that is produced once per call and sent as the same bytes on every
 * attempt: the first attempt runs the application's {@link BodyInserter} (so its
 * publisher is subscribed once) and keeps a copy of the bytes as they are written; a
 * retry or a replay after 401 sends that copy. A body larger than the allowed size is sent
 * once and not kept, and then cannot be retried or replayed.
 */
final class ReplayableBody implements BodyInserter<Object, ClientHttpRequest> {

	private enum State {

		NOT_SENT, SENDING, KEPT, TOO_LARGE

	}

	private final BodyInserter<?, ? super ClientHttpRequest> inserter;

	private final long maxSize;

	private volatile State state = State.NOT_SENT;

	private byte[] bytes = new byte[0];

	private int length;

	private boolean written;

	private String contentType;

	private volatile Throwable failure;

	private volatile boolean writing;

	ReplayableBody(BodyInserter<?, ? super ClientHttpRequest> inserter, long maxSize) {
		this.inserter = inserter;
		this.maxSize = maxSize;
	}

	/**
	 * Return why the given request's body cannot be sent again, or {@code null} when it
	 * can (or has no body).
	 * @param request the request
	 * @return the reason, or {@code null}
	 */
	static String whyNotReplayable(ClientRequest request) {
		if (!(request.body() instanceof ReplayableBody body)) {
			return null;
		}
		return switch (body.state) {
			// Not produced yet (the connection failed first): the next attempt produces it.
			case NOT_SENT, KEPT -> null;
			case TOO_LARGE -> RetryPolicy.tooLargeToReplay(body.maxSize);
			case SENDING -> (body.failure != null)
					? "its body could not be produced (" + CxoneFailures.rootCause(body.failure) + ")"
					: "its body was not sent in full by the first attempt, so it cannot be sent again";
		};
	}

	/**
	 * Return whether the given request's body publisher failed: the application's own
	 * error, not CXone's and not the network's.
	 * @param request the request
	 * @return whether producing the body failed
	 */
	static boolean failedToProduce(ClientRequest request) {
		return request.body() instanceof ReplayableBody body && body.failure != null;
	}

	@Override
	public Mono<Void> insert(ClientHttpRequest request, Context context) {
		synchronized (this) {
			if (this.state == State.NOT_SENT) {
				this.state = State.SENDING;
				// Before any write, an error is the body publisher's own (its value is produced first);
				// after, the Capturing request tells the publisher's errors from the network's.
				return this.inserter.insert(new Capturing(request), context).doOnError((ex) -> {
					if (!this.writing) {
						failed(ex);
					}
				});
			}
		}
		if (this.state != State.KEPT) {
			return Mono.error(new IllegalStateException("The request body cannot be sent again"));
		}
		HttpHeaders headers = request.getHeaders();
		// As the first attempt sent it: a multipart body's boundary is added by its writer.
		if (this.contentType != null) {
			headers.set(HttpHeaders.CONTENT_TYPE, this.contentType);
		}
		if (!this.written) {
			return request.setComplete();
		}
		headers.setContentLength(this.bytes.length);
		byte[] kept = this.bytes;
		return request.writeWith(Mono.fromSupplier(() -> request.bufferFactory().wrap(kept)));
	}

	private synchronized void keep(DataBuffer buffer) {
		if (this.state != State.SENDING) {
			return;
		}
		int readable = buffer.readableByteCount();
		if (this.length + (long) readable > this.maxSize) {
			this.state = State.TOO_LARGE;
			this.bytes = null;
			return;
		}
		if (this.length + readable > this.bytes.length) {
			this.bytes = Arrays.copyOf(this.bytes, Math.max(this.length + readable, this.bytes.length * 2));
		}
		int position = buffer.readPosition();
		buffer.read(this.bytes, this.length, readable);
		buffer.readPosition(position);
		this.length += readable;
	}

	private synchronized void sent() {
		if (this.state == State.SENDING) {
			this.bytes = Arrays.copyOf(this.bytes, this.length);
			this.state = State.KEPT;
		}
	}

	private void failed(Throwable ex) {
		this.failure = ex;
	}

	private synchronized void started(HttpHeaders headers, boolean written) {
		this.writing = true;
		this.written = written;
		this.contentType = headers.getFirst(HttpHeaders.CONTENT_TYPE);
	}

	@Override
	public String toString() {
		return "ReplayableBody[" + this.state + "]";
	}

	/**
	 * The first attempt's request, keeping a copy of what is written to it.
	 */
	private final class Capturing extends ClientHttpRequestDecorator {

		Capturing(ClientHttpRequest delegate) {
			super(delegate);
		}

		@Override
		public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
			started(getHeaders(), true);
			if (body instanceof Mono<? extends DataBuffer> single) {
				// Still a Mono, so that a single buffer keeps its Content-Length framing.
				return super.writeWith(single.doOnNext(ReplayableBody.this::keep)
					.doOnSuccess((buffer) -> sent())
					.doOnError(ReplayableBody.this::failed));
			}
			return super.writeWith(Flux.from(body)
				.doOnNext(ReplayableBody.this::keep)
				.doOnComplete(ReplayableBody.this::sent)
				.doOnError(ReplayableBody.this::failed));
		}

		@Override
		public Mono<Void> writeAndFlushWith(Publisher<? extends Publisher<? extends DataBuffer>> body) {
			started(getHeaders(), true);
			// Kept only once the whole write is done: the outer publisher completes before its parts are read.
			return super.writeAndFlushWith(Flux.from(body)
				.map((part) -> Flux.from(part).doOnNext(ReplayableBody.this::keep).doOnError(ReplayableBody.this::failed)))
				.doOnSuccess((done) -> sent());
		}

		@Override
		public Mono<Void> setComplete() {
			started(getHeaders(), false);
			sent();
			return super.setComplete();
		}

	}

}
