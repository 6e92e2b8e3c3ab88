package dev.scion.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scion.engine.generate.SequenceError;
import dev.scion.server.adapters.cache.AdapterKey;
import dev.scion.server.adapters.cache.LoadRefusedException;
import dev.scion.server.engine.QueueFullException;
import dev.scion.server.errors.ConflictException;
import dev.scion.server.errors.InvalidRequestException;
import dev.scion.server.errors.NotFoundException;
import dev.scion.server.errors.UnavailableException;
import dev.scion.server.storage.InsufficientStorageException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;
import org.slf4j.event.SubstituteLoggingEvent;
import org.slf4j.helpers.SubstituteLogger;

/** Each kind of failure the services throw gets its one HTTP answer, with the services' message, param and code. */
class HttpFailuresTest {
    private final LinkedBlockingQueue<SubstituteLoggingEvent> logged = new LinkedBlockingQueue<>();
    /** Without a delegate, slf4j's substitute logger records each event in {@link #logged}. */
    private final SubstituteLogger log = new SubstituteLogger("test", logged, false);

    @Test
    void anInvalidRequestIsA400WithItsParamAndCode() {
        check(answer(new InvalidRequestException("temperature must be a number", "temperature")), 400,
                "invalid_request_error", "temperature must be a number", "temperature", null, 0);
        check(answer(InvalidRequestException.contextLengthExceeded("too long", "messages")), 400,
                "invalid_request_error", "too long", "messages", "context_length_exceeded", 0);
        check(answer(new InvalidRequestException("training_file: no file with id 'file-x'", "training_file",
                "file_not_found")), 400, "invalid_request_error", "training_file: no file with id 'file-x'",
                "training_file", "file_not_found", 0);
    }

    @Test
    void somethingThatDoesNotExistIsA404() {
        check(answer(NotFoundException.model("gpt-9")), 404, "invalid_request_error",
                "The model 'gpt-9' does not exist", "model", "model_not_found", 0);
        check(answer(new NotFoundException("No adapter named 'a'", "name", "adapter_not_found")), 404,
                "invalid_request_error", "No adapter named 'a'", "name", "adapter_not_found", 0);
    }

    @Test
    void aConflictIsA409() {
        check(answer(new ConflictException("File file-1 is a file of fine-tuning job(s) ftjob-1", "file_id",
                "file_in_use")), 409, "invalid_request_error", "File file-1 is a file of fine-tuning job(s) ftjob-1",
                "file_id", "file_in_use", 0);
    }

    @Test
    void aServerThatCannotTakeItNowIsA503WithoutRetryAfter() {
        check(answer(new UnavailableException("the server is shutting down")), 503, "server_error",
                "the server is shutting down", null, null, 0);
    }

    @Test
    void aFullQueueIsA429ToRetry() {
        QueueFullException full = new QueueFullException(8);
        check(answer(full), 429, "requests", full.getMessage(), null, "rate_limit_exceeded", 1);
    }

    @Test
    void aRefusedAdapterLoadIsA503ToRetryNamingTheBoundsAndTheirOptions() {
        AdapterKey key = new AdapterKey("tuned", 3);
        check(answer(new LoadRefusedException(key, 2, 16, null)), 503, "server_error",
                "The server is loading as many adapters as it may (2 at once, --adapter-load-threads, and 16 "
                        + "waiting, --adapter-load-queue); retry later.", null, null, 1);
        check(answer(new LoadRefusedException(key, -1, -1, null)), 503, "server_error",
                "The server is loading as many adapters as it may; retry later.", null, null, 1);
    }

    @Test
    void wantOfSpaceIsA507WhereverItIsWrappedAndAFullDiskNamesNoPath() {
        check(answer(new UncheckedIOException(new InsufficientStorageException("over --files-quota"))), 507,
                "server_error", "over --files-quota", null, "insufficient_storage", 0);
        ApiException full = answer(new CompletionException(new java.nio.file.FileSystemException(
                "/srv/scion/store/.tmp-1/adapter_model.safetensors", null, "No space left on device")));
        assertEquals(507, full.status());
        assertEquals("insufficient_storage", full.code());
        assertFalse(full.getMessage().contains("/srv"), full.getMessage());
        assertTrue(logged.isEmpty(), "want of space is no server error to log");
    }

    @Test
    void anUnexpectedFailureIsAPlain500AndOnlyTheLogHasIt() {
        IOException broken = new IOException("cannot read /srv/scion/store/a/1/adapter_config.json");
        ApiException e = answer(broken);
        check(e, 500, "server_error", ApiException.internal().getMessage(), null, null, 0);
        SubstituteLoggingEvent event = logged.poll();
        assertEquals(Level.ERROR, event.getLevel());
        assertSame(broken, event.getThrowable());
        assertTrue(logged.isEmpty(), "logged once");
    }

    @Test
    void anAnswerAlreadyMadeIsKeptAndNoRefusalIsLogged() {
        ApiException made = ApiException.payloadTooLarge("too big");
        assertSame(made, answer(made));
        answer(new InvalidRequestException("bad", null));
        answer(NotFoundException.model("m"));
        answer(new QueueFullException(1));
        assertTrue(logged.isEmpty(), "a refusal is the client's answer, not a server error: " + logged);
    }

    @Test
    void aSequenceErrorSaysNonFiniteLogitsAndNothingElse() {
        check(HttpFailures.answer(new SequenceError(SequenceError.Kind.NON_FINITE_LOGITS, "non-finite logits")), 500,
                "server_error", "non-finite logits", null, "non_finite_logits", 0);
        check(HttpFailures.answer(new SequenceError(SequenceError.Kind.STEP_FAILED, "the step failed")), 500,
                "server_error", ApiException.internal().getMessage(), null, null, 0);
    }

    private ApiException answer(Throwable e) {
        return HttpFailures.answer(e, log, "a test request");
    }

    private static void check(ApiException e, int status, String type, String message, String param, String code,
            int retryAfter) {
        assertEquals(status, e.status(), e.getMessage());
        assertEquals(type, e.type());
        assertEquals(message, e.getMessage());
        assertEquals(param, e.param());
        assertEquals(code, e.code());
        assertEquals(retryAfter, e.retryAfterSeconds());
        if (param == null) {
            assertNull(e.toJson().get("error").get("param").textValue());
        }
    }
}
