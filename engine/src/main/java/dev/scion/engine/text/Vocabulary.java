package dev.scion.engine.text;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingJsonFactory;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scion.engine.model.ModelFormatException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The id-to-token table of a Hugging Face {@code tokenizer.json}: the model's vocab plus its
 * {@code added_tokens}. DJL's tokenizer does not expose this table, so it is read here with a
 * streaming parser that skips the (large) merges list.
 *
 * @param tokens  (size) token string by id; null where an id is unused
 * @param special (size) true for added tokens marked {@code "special": true}
 * @param added   (size) true for {@code added_tokens}, special or not
 * @param bytesPerToken the most input bytes one token can stand for ({@link TextBound}), or
 *     {@link TextBound#UNBOUNDED}
 * @param decoder tokenizer.json's {@code decoder}, or null; it says how an entry spells its bytes ({@link TokenBytes})
 */
record Vocabulary(String[] tokens, boolean[] special, boolean[] added, Map<String, Integer> idsByToken,
        int bytesPerToken, JsonNode decoder) {

    /** Ids beyond this are not a real vocabulary; refusing them bounds memory for hostile files. */
    static final int MAX_ID = 16_000_000;

    int size() {
        return tokens.length;
    }

    static Vocabulary read(Path file) {
        Map<String, Integer> ids = new HashMap<>();
        Map<Integer, Boolean> specialById = new HashMap<>();
        boolean sawModel = false;
        JsonNode normalizer = null;
        JsonNode preTokenizer = null;
        JsonNode decoder = null;
        ObjectNode model = JsonNodeFactory.instance.objectNode();
        try (InputStream in = Files.newInputStream(file);
             JsonParser p = new MappingJsonFactory().createParser(in)) {
            expect(p, p.nextToken(), JsonToken.START_OBJECT, file, "top level");
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (field.equals("model")) {
                    expect(p, value, JsonToken.START_OBJECT, file, "model");
                    readModel(p, file, ids, model);
                    sawModel = true;
                } else if (field.equals("normalizer")) {
                    normalizer = p.readValueAsTree();
                } else if (field.equals("pre_tokenizer")) {
                    preTokenizer = p.readValueAsTree();
                } else if (field.equals("decoder")) {
                    decoder = p.readValueAsTree();
                } else if (field.equals("added_tokens") && value != JsonToken.VALUE_NULL) {
                    expect(p, value, JsonToken.START_ARRAY, file, "added_tokens");
                    readAddedTokens(p, file, ids, specialById);
                } else {
                    p.skipChildren();
                }
            }
        } catch (JsonProcessingException e) {
            throw new ModelFormatException("tokenizer file " + file + " is not valid JSON at line "
                    + e.getLocation().getLineNr() + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new ModelFormatException("tokenizer file " + file + " cannot be read: " + e.getMessage(), e);
        }
        if (!sawModel || ids.isEmpty()) {
            throw new ModelFormatException("tokenizer file " + file + " has no field 'model.vocab'");
        }
        int size = ids.values().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
        String[] tokens = new String[size];
        boolean[] special = new boolean[size];
        boolean[] added = new boolean[size];
        ids.forEach((token, id) -> tokens[id] = token);
        specialById.forEach((id, isSpecial) -> {
            special[id] = isSpecial;
            added[id] = true;
        });
        return new Vocabulary(tokens, special, added, Map.copyOf(ids),
                TextBound.bytesPerToken(tokens, added, normalizer, preTokenizer, model),
                decoder == null || decoder.isNull() ? null : decoder);
    }

    /** Reads {@code model.vocab} into {@code ids}, and the model's scalar settings (type, unk_token...) into {@code settings}. */
    private static void readModel(JsonParser p, Path file, Map<String, Integer> ids, ObjectNode settings)
            throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            if (!field.equals("vocab")) {
                if (value.isScalarValue()) {
                    settings.set(field, p.readValueAsTree());
                } else {
                    p.skipChildren();
                }
            } else if (value == JsonToken.START_OBJECT) {
                // BPE and WordPiece: {"token": id, ...}
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String token = p.currentName();
                    expect(p, p.nextToken(), JsonToken.VALUE_NUMBER_INT, file, "model.vocab[\"" + token + "\"]");
                    ids.put(token, checkedId(p.getLongValue(), file, "model.vocab[\"" + token + "\"]"));
                }
            } else if (value == JsonToken.START_ARRAY) {
                // Unigram: [["piece", score], ...], the id is the position.
                int id = 0;
                while (p.nextToken() == JsonToken.START_ARRAY) {
                    expect(p, p.nextToken(), JsonToken.VALUE_STRING, file, "model.vocab[" + id + "][0]");
                    ids.put(p.getText(), checkedId(id, file, "model.vocab[" + id + "]"));
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        p.skipChildren();
                    }
                    id++;
                }
            } else {
                throw new ModelFormatException("tokenizer file " + file + ": field 'model.vocab' is neither an object nor a list");
            }
        }
    }

    private static void readAddedTokens(JsonParser p, Path file, Map<String, Integer> ids,
                                        Map<Integer, Boolean> specialById) throws IOException {
        int index = 0;
        while (p.nextToken() == JsonToken.START_OBJECT) {
            String where = "added_tokens[" + index + "]";
            Integer id = null;
            String content = null;
            boolean special = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "id":
                        expect(p, value, JsonToken.VALUE_NUMBER_INT, file, where + ".id");
                        id = checkedId(p.getLongValue(), file, where + ".id");
                        break;
                    case "content":
                        expect(p, value, JsonToken.VALUE_STRING, file, where + ".content");
                        content = p.getText();
                        break;
                    case "special":
                        special = value == JsonToken.VALUE_TRUE;
                        break;
                    default:
                        p.skipChildren();
                }
            }
            if (id == null || content == null || content.isEmpty()) {
                throw new ModelFormatException("tokenizer file " + file + ": " + where + " needs an 'id' and a non-empty 'content'");
            }
            ids.put(content, id);
            specialById.put(id, special);
            index++;
        }
    }

    private static int checkedId(long id, Path file, String where) {
        if (id < 0 || id >= MAX_ID) {
            throw new ModelFormatException("tokenizer file " + file + ": " + where + " has id " + id
                    + " outside 0.." + (MAX_ID - 1));
        }
        return (int) id;
    }

    private static void expect(JsonParser p, JsonToken actual, JsonToken expected, Path file, String where) {
        if (actual != expected) {
            throw new ModelFormatException("tokenizer file " + file + ": field '" + where + "' should be "
                    + expected.name() + " but is " + actual + " (line " + p.currentLocation().getLineNr() + ")");
        }
    }
}
