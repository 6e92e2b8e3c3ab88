package dev.scion.server.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.core.JsonValue;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.HttpResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.files.FileCreateParams;
import com.openai.models.files.FileDeleted;
import com.openai.models.files.FileObject;
import com.openai.models.files.FilePurpose;
import com.openai.models.finetuning.jobs.FineTuningJob;
import com.openai.models.finetuning.jobs.FineTuningJobEvent;
import com.openai.models.finetuning.jobs.JobCreateParams;
import com.openai.models.finetuning.jobs.checkpoints.FineTuningJobCheckpoint;
import dev.scion.server.ScionServer;
import dev.scion.server.TestServers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The official OpenAI Java SDK's files and fine-tuning calls against Scion, each answer validated by the SDK. */
class FineTuningSdkTest {
    @TempDir
    Path tmp;

    @Test
    void theSdkUploadsTrainsFollowsAndServes() throws Exception {
        try (ScionServer server = TestServers.start(TestServers.config().adapters(tmp.resolve("store"))
                .adminKey(Jobs.ADMIN))) {
            OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl("http://127.0.0.1:" + server.port() + "/v1")
                    .apiKey(Jobs.ADMIN).maxRetries(0).build();
            try {
                // bytes go without a filename, as a form field in the charset the SDK declares (ISO-8859-1)
                String data = Jobs.facts(4, "kappa").replace("code?", "Schlüssel?");
                FileObject file = client.files().create(FileCreateParams.builder()
                        .file(data.getBytes(StandardCharsets.UTF_8)).purpose(FilePurpose.FINE_TUNE).build());
                file.validate();
                assertEquals(file.id(), client.files().retrieve(file.id()).id());
                try (HttpResponse content = client.files().content(file.id())) {
                    assertEquals(data, new String(content.body().readAllBytes(), StandardCharsets.UTF_8), "as sent");
                }
                assertTrue(client.files().list().data().stream().anyMatch(f -> f.id().equals(file.id())));

                FineTuningJob created = client.fineTuning().jobs().create(JobCreateParams.builder()
                        .model(TestServers.modelId()).trainingFile(file.id()).validationFile(file.id()).suffix("kappa")
                        .hyperparameters(JobCreateParams.Hyperparameters.builder().nEpochs(2L).build())
                        // Scion's extension through the SDK's extra body: two epochs learn little, and the gate's
                        // verdict is not what this test is about
                        .putAdditionalBodyProperty("scion", JsonValue.from(Map.of("min_learned", 0))).build());
                created.validate();
                assertEquals(FineTuningJob.Status.VALIDATING_FILES, created.status());

                FineTuningJob done = awaitEnd(client, created.id());
                done.validate();
                assertEquals(FineTuningJob.Status.SUCCEEDED, done.status(), done.toString());
                assertEquals("kappa@1", done.fineTunedModel().orElseThrow());
                assertEquals(2L, done.hyperparameters().nEpochs().orElseThrow().asInteger());

                List<FineTuningJobEvent> events = client.fineTuning().jobs().listEvents(created.id()).data();
                events.forEach(FineTuningJobEvent::validate);
                assertFalse(events.isEmpty());
                List<FineTuningJobCheckpoint> checkpoints = client.fineTuning().jobs().checkpoints()
                        .list(created.id()).data();
                assertEquals("kappa@1", checkpoints.get(0).fineTunedModelCheckpoint());
                assertTrue(client.fineTuning().jobs().list().data().stream().anyMatch(j -> j.id().equals(done.id())));

                ChatCompletion answer = client.chat().completions().create(ChatCompletionCreateParams.builder()
                        .model(done.fineTunedModel().orElseThrow()).addUserMessage("What is the kappa 1 Schlüssel?")
                        .maxCompletionTokens(6).temperature(0.0).build());
                assertEquals("kappa@1", answer.model());

                // the job has ended: its file may go (the SDK's files.delete, OpenAI's answer)
                FileDeleted deleted = client.files().delete(file.id());
                deleted.validate();
                assertEquals(file.id(), deleted.id());
                assertTrue(deleted.deleted());
                assertThrows(NotFoundException.class, () -> client.files().retrieve(file.id()));
                assertFalse(client.files().list().data().stream().anyMatch(f -> f.id().equals(file.id())));
                assertThrows(NotFoundException.class, () -> client.files().delete(file.id()), "deleted once only");
                assertThrows(NotFoundException.class, () -> client.files().delete("file-nothere"));

                assertThrows(BadRequestException.class, () -> client.fineTuning().jobs().cancel(created.id()));
                assertThrows(NotFoundException.class, () -> client.fineTuning().jobs().retrieve("ftjob-nothere"));
                assertThrows(BadRequestException.class, () -> client.files().create(FileCreateParams.builder()
                        .file("not json\n".getBytes(StandardCharsets.UTF_8)).purpose(FilePurpose.FINE_TUNE).build()));
            } finally {
                client.close();
            }
        }
    }

    private static FineTuningJob awaitEnd(OpenAIClient client, String id) {
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (true) {
            FineTuningJob job = client.fineTuning().jobs().retrieve(id);
            if (job.finishedAt().isPresent()) {
                return job;
            }
            assertTrue(System.nanoTime() < deadline, "job " + id + " still " + job.status());
            LockSupport.parkNanos(50_000_000);
        }
    }
}
