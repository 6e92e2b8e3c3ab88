package dev.scion.server;

import dev.scion.engine.LoadedModel;
import dev.scion.server.adapters.AdapterService;
import dev.scion.server.constrain.ServedConstraints;
import dev.scion.server.engine.EngineLoop;
import dev.scion.server.training.TrainingJobs;

/**
 * What the HTTP layer serves: the loaded base model, its engine loop, the name clients use for it in
 * the {@code model} field, the adapter pool and the fine-tuning jobs (both null when the server runs without
 * {@code --adapters}), and the compiled output constraints of its vocabulary.
 */
public record ServingModel(String id, long createdEpochSeconds, LoadedModel model, EngineLoop engine,
        AdapterService adapters, TrainingJobs jobs, ServedConstraints constraints) {

    /** Text of one token, for logprobs; ids the tokenizer does not know print as their number. */
    public String tokenText(int id) {
        if (model.tokenizer() == null) {
            return Integer.toString(id);
        }
        String token = model.tokenizer().decode(new int[] {id}, false);
        return token == null ? Integer.toString(id) : token;
    }
}
