package dev.scion.server.http;

import dev.scion.server.storage.UploadAllowance;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.streams.WriteStream;
import java.io.IOException;

/**
 * A file part's writes, each first taken from the request's allowance: a refused one is never written. Once a
 * write has failed or the stream has ended, the file may be closed under the pipe that still asks it questions
 * (an AsyncFile then throws): from there on writes fail and the rest are answered without the file.
 */
final class AllowedWrites implements WriteStream<Buffer> {
    private final AsyncFile file;
    private final UploadAllowance allowance;
    private boolean done;

    AllowedWrites(AsyncFile file, UploadAllowance allowance) {
        this.file = file;
        this.allowance = allowance;
    }

    @Override
    public Future<Void> write(Buffer data) {
        if (done) {
            return Future.failedFuture(new IllegalStateException("the part's file is closed"));
        }
        try {
            allowance.take(data.length());
            return file.write(data).onFailure(e -> done = true);
        } catch (IOException | IllegalStateException e) {
            done = true;
            return Future.failedFuture(e);
        }
    }

    @Override
    public Future<Void> end() {
        done = true;
        return file.end();
    }

    @Override
    public AllowedWrites exceptionHandler(Handler<Throwable> handler) {
        if (!done) {
            file.exceptionHandler(handler);
        }
        return this;
    }

    @Override
    public AllowedWrites setWriteQueueMaxSize(int maxSize) {
        if (!done) {
            file.setWriteQueueMaxSize(maxSize);
        }
        return this;
    }

    @Override
    public boolean writeQueueFull() {
        return !done && file.writeQueueFull();
    }

    @Override
    public AllowedWrites drainHandler(Handler<Void> handler) {
        if (!done) {
            file.drainHandler(handler);
        }
        return this;
    }
}
