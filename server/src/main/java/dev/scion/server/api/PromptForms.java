package dev.scion.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scion.server.errors.InvalidRequestException;
import java.util.ArrayList;
import java.util.List;

/**
 * OpenAI's four forms of a prompt-like field ({@code prompt} of completions, {@code input} of embeddings): a string,
 * an array of strings, an array of token ids, an array of arrays of token ids. Exactly one of {@code texts} and
 * {@code tokens} is set. Token ids are checked non-negative here; checking them against the vocabulary is the
 * server's.
 */
public record PromptForms(List<String> texts, List<int[]> tokens) {

    /** @param field the field's name, also the error's {@code param} */
    static PromptForms parse(JsonNode body, String field) {
        JsonNode value = Fields.value(body, field);
        if (value == null) {
            throw new InvalidRequestException(field + " is required", field);
        }
        if (value.isTextual()) {
            return new PromptForms(List.of(nonEmptyText(value, field)), null);
        }
        if (!value.isArray()) {
            throw new InvalidRequestException(field + " must be a string, an array of strings, an array of token ids"
                    + " or an array of arrays of token ids", field);
        }
        if (value.isEmpty()) {
            throw new InvalidRequestException(field + " must not be empty", field);
        }
        if (value.get(0).isTextual()) {
            return new PromptForms(texts(value, field), null);
        }
        if (value.get(0).isArray()) {
            return new PromptForms(null, tokenLists(value, field));
        }
        return new PromptForms(null, List.of(tokenIds(value, field)));
    }

    public int count() {
        return texts != null ? texts.size() : tokens.size();
    }

    private static List<String> texts(JsonNode array, String field) {
        List<String> texts = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            JsonNode element = array.get(i);
            String where = field + "[" + i + "]";
            if (!element.isTextual()) {
                throw new InvalidRequestException(where + " must be a string like the other " + field + "s", where);
            }
            texts.add(nonEmptyText(element, where));
        }
        return List.copyOf(texts);
    }

    private static List<int[]> tokenLists(JsonNode array, String field) {
        List<int[]> lists = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            JsonNode element = array.get(i);
            String where = field + "[" + i + "]";
            if (!element.isArray()) {
                throw new InvalidRequestException(where + " must be an array of token ids like the other " + field
                        + "s", where);
            }
            if (element.isEmpty()) {
                throw new InvalidRequestException(where + " must not be empty", where);
            }
            lists.add(tokenIds(element, where));
        }
        return List.copyOf(lists);
    }

    /** An array of non-negative int token ids; {@code param} names the array. */
    static int[] tokenIds(JsonNode array, String param) {
        int[] ids = new int[array.size()];
        for (int i = 0; i < ids.length; i++) {
            JsonNode id = array.get(i);
            String where = param + "[" + i + "]";
            if (!id.isIntegralNumber()) {
                throw new InvalidRequestException(where + " must be a token id (a non-negative integer)", where);
            }
            if (!id.canConvertToInt() || id.intValue() < 0) {
                throw new InvalidRequestException(where + " must be a token id (a non-negative integer), got "
                        + id.asText(), where);
            }
            ids[i] = id.intValue();
        }
        return ids;
    }

    private static String nonEmptyText(JsonNode node, String param) {
        if (node.textValue().isEmpty()) {
            throw new InvalidRequestException(param + " must not be empty", param);
        }
        return node.textValue();
    }
}
