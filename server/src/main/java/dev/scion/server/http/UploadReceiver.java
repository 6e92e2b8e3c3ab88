package dev.scion.server.http;

import dev.scion.server.storage.UploadAllowance;
import io.netty.handler.codec.DecoderException;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerFileUpload;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.streams.Pipe;
import io.vertx.ext.web.RoutingContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives a multipart upload in place of Vert.x's BodyHandler, which writes file parts to one fixed folder
 * ({@code ./file-uploads} unless told otherwise) and leaves a request unanswered when a write fails. Each request
 * gets a staging area of its own from {@code stagings} (opened on a worker thread, inside the store it is meant
 * for); every file part streams into it, each write first taken from the request's {@link UploadAllowance}; the
 * whole body counts against the size limit. Once every part is on disk the next handler finds them in
 * {@link #received}. A refused or failed write is answered (507 when space is what is missing) and, as the rest of
 * the body will never be read, the connection is closed after the answer. The staging area is closed, and
 * whatever is left in it removed, when the exchange ends, however it ends.
 *
 * <p>Runs after {@link BoundedBody#upload}, which refuses bodies that are not multipart and bounds the time.
 *
 * @param <S> the staging area, closed when the exchange ends
 */
final class UploadReceiver<S extends AutoCloseable> {
    private static final Logger LOG = LoggerFactory.getLogger(UploadReceiver.class);
    private static final String KEY = "scion.upload";
    private static final String MALFORMED = "The request body could not be read: a malformed form, or a form field "
            + "over its size limit.";

    /** A file part as it was received: its form name, the client's filename, where its bytes are. */
    record Part(String name, String filename, Path file) {}

    /** What the next handler gets: the staging area and the file parts written into it. */
    record Received<S>(S staging, List<Part> parts) {}

    private final Vertx vertx;
    private final BoundedBody bodies;
    private final long maxBytes;
    private final Supplier<ApiException> tooLarge;
    private final Callable<S> stagings;
    private final Function<S, Path> partsFolder;
    private final Supplier<UploadAllowance> allowances;

    UploadReceiver(Vertx vertx, BoundedBody bodies, long maxBytes, Supplier<ApiException> tooLarge,
            Callable<S> stagings, Function<S, Path> partsFolder, Supplier<UploadAllowance> allowances) {
        this.vertx = vertx;
        this.bodies = bodies;
        this.maxBytes = maxBytes;
        this.tooLarge = tooLarge;
        this.stagings = stagings;
        this.partsFolder = partsFolder;
        this.allowances = allowances;
    }

    Handler<RoutingContext> handler() {
        return rc -> new Exchange(rc).start();
    }

    /** The upload the receiver handed to this request's next handler. */
    @SuppressWarnings("unchecked")
    Received<S> received(RoutingContext rc) {
        return (Received<S>) rc.get(KEY);
    }

    private static long contentLength(HttpServerRequest request) {
        String text = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        try {
            return text == null ? -1 : Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * One request's upload. Runs on its event loop, but for opening and closing the staging area. A failure stops
     * the writes, waits for the parts being written to let go of their files, removes the staging area and only
     * then answers: whoever sees the error finds nothing left of the upload.
     */
    private final class Exchange {
        private final RoutingContext rc;
        private final HttpServerRequest request;
        private final List<Part> parts = new ArrayList<>();
        private final List<Pipe<Buffer>> pipes = new ArrayList<>();
        private UploadAllowance allowance;
        private S staging;
        private boolean stagingClosed;
        private long received;
        private int writing;
        private boolean ended;
        private boolean finished;
        private boolean failed;
        /** The answer a failure gives once the staging area is gone; null when nobody is left to answer. */
        private ApiException failure;
        private boolean exchangeEnded;

        Exchange(RoutingContext rc) {
            this.rc = rc;
            this.request = rc.request();
        }

        void start() {
            long declared = contentLength(request);
            if (declared > maxBytes) {
                fail(tooLarge.get());
                return;
            }
            allowance = allowances.get();
            try {
                allowance.admit(declared);
            } catch (java.io.IOException e) {
                fail(apiError(e)); // a refusal for want of space
                return;
            }
            request.pause(); // nothing may be lost while the staging area is opened
            rc.addEndHandler(done -> {
                exchangeEnded = true;
                settle();
            });
            vertx.executeBlocking(stagings, false).onComplete(opened -> {
                if (opened.failed()) {
                    stagingClosed = true;
                    fail(apiError(opened.cause()));
                    return;
                }
                staging = opened.result();
                if (failed || exchangeEnded) {
                    settle(); // the exchange ended meanwhile (a timeout, the client gone)
                    return;
                }
                receive();
            });
        }

        private void receive() {
            try {
                request.setExpectMultipart(true);
            } catch (IllegalStateException e) {
                fail(ApiException.invalidRequest(MALFORMED, null)); // a multipart type without a boundary
                return;
            }
            request.uploadHandler(this::part);
            request.handler(this::chunk);
            request.endHandler(v -> end());
            request.exceptionHandler(this::broken);
            String expect = request.getHeader(HttpHeaders.EXPECT);
            if (expect != null && expect.equalsIgnoreCase("100-continue") && request.version() != HttpVersion.HTTP_1_0) {
                rc.response().writeContinue();
            }
            request.resume();
        }

        private void chunk(Buffer chunk) {
            received += chunk.length();
            if (received > maxBytes) {
                fail(tooLarge.get());
            }
        }

        private void part(HttpServerFileUpload upload) {
            if (failed || exchangeEnded) {
                return; // its bytes are dropped
            }
            writing++;
            Pipe<Buffer> pipe = upload.pipe(); // paused until the file is open
            pipes.add(pipe);
            Path file = partsFolder.apply(staging).resolve(UUID.randomUUID().toString());
            vertx.fileSystem().open(file.toString(), new OpenOptions().setCreateNew(true).setWrite(true))
                    .compose(opened -> pipe.to(new AllowedWrites(opened, allowance)))
                    .onComplete(written -> {
                        writing--;
                        if (written.failed()) {
                            fail(apiError(written.cause()));
                        } else if (!failed) {
                            parts.add(new Part(upload.name(), upload.filename(), file));
                        }
                        if (failed) {
                            settle();
                        } else if (ended && writing == 0) {
                            finish();
                        }
                    });
        }

        private void end() {
            ended = true;
            if (writing == 0) {
                finish();
            }
        }

        private void finish() {
            if (failed || finished) {
                return;
            }
            finished = true;
            rc.put(KEY, new Received<>(staging, List.copyOf(parts)));
            rc.next();
        }

        private void broken(Throwable e) {
            if (e instanceof DecoderException || e.getCause() instanceof DecoderException) {
                fail(ApiException.invalidRequest(MALFORMED, null)); // a malformed form, a field over its limit
            } else {
                fail(rc.response().closed() ? null : apiError(e)); // null: the client is gone, nobody to answer
            }
        }

        /** Stops receiving; {@code e} is answered once the staging area is gone (null: no answer). */
        private void fail(ApiException e) {
            if (failed || finished) {
                return;
            }
            failed = true;
            failure = e;
            pipes.forEach(Pipe::close); // each lets go of its file, and its part's completion settles
            if (!request.isEnded()) {
                request.handler(chunk -> { }); // the rest is never read: drop it until the connection closes
                request.resume();
            }
            settle();
        }

        /**
         * After a failure or the exchange's end, once no part is being written: closes the staging area (on a
         * worker), gives back the allowance, then answers the failure, if any.
         */
        private void settle() {
            if (writing > 0 || !(failed || exchangeEnded)) {
                return;
            }
            ApiException answer = failure;
            failure = null;
            if (allowance != null) {
                allowance.close();
            }
            S open = stagingClosed ? null : staging;
            if (open == null) {
                answer(answer);
                return;
            }
            stagingClosed = true;
            vertx.executeBlocking(() -> {
                open.close();
                return null;
            }, false).onComplete(closed -> {
                if (closed.failed()) {
                    LOG.warn("could not remove the upload staging area {}: {}", open, closed.cause().toString());
                }
                answer(answer);
            });
        }

        private void answer(ApiException e) {
            if (e != null && !rc.response().ended() && !rc.response().closed()) {
                bodies.refuse(rc, e);
            }
        }
    }

    private static ApiException apiError(Throwable e) {
        return HttpFailures.answer(e, LOG, "an upload");
    }
}
