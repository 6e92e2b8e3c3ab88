package dev.scion.server.api;

/**
 * One entry of {@code GET /v1/models}: OpenAI's model object plus vLLM's {@code root}, {@code parent} and
 * {@code max_model_len}, so clients can tell an adapter (parent: the base model) from the base model.
 *
 * @param created unix seconds
 * @param root    where the weights come from (the base model's id, or the adapter's)
 * @param parent  the base model's id for an adapter, null for the base model
 */
public record ModelCard(String id, long created, String ownedBy, String root, String parent, int maxModelLen) {}
