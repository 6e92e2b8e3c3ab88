package dev.scion.engine.constrain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Random;

/**
 * Seeded random schemas of the strict subset: objects (all properties required and
 * {@code additionalProperties: false}, or now and then optional ones), scalars, enums, consts,
 * type lists, anyOf, arrays with item bounds and {@code $ref}s into {@code $defs}, some recursive.
 * Property names include quotes, backslashes and non-ASCII, so key escaping is exercised too.
 */
public final class RandomSchemas {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final String[] NAMES = {"id", "name", "a\"b", "back\\slash", "é", "count", "x y", "tags"};

    private final Random random;
    private final double freeStrings; // chance that a string is free text rather than an enum

    public RandomSchemas(long seed, double freeStrings) {
        this.random = new Random(seed);
        this.freeStrings = freeStrings;
    }

    /** A root object schema, with a {@code $defs} entry (perhaps recursive) that parts of it refer to. */
    public ObjectNode next() {
        ObjectNode root = object(2);
        if (random.nextInt(3) == 0) {
            ObjectNode defs = root.putObject("$defs");
            ObjectNode node = F.objectNode().put("type", "object");
            node.putObject("properties").set("leaf", scalar());
            ObjectNode next = node.with("properties").putObject("next");
            ArrayNode any = next.putArray("anyOf");
            any.addObject().put("$ref", "#/$defs/node");
            any.addObject().put("type", "null");
            node.putArray("required").add("leaf").add("next");
            node.put("additionalProperties", false);
            defs.set("node", node);
            root.with("properties").putObject("linked").put("$ref", "#/$defs/node");
            root.withArray("required").add("linked");
        }
        return root;
    }

    private ObjectNode object(int depth) {
        ObjectNode o = F.objectNode().put("type", "object");
        ObjectNode props = o.putObject("properties");
        ArrayNode required = o.putArray("required");
        boolean strict = random.nextInt(4) != 0;
        int n = 1 + random.nextInt(4);
        for (int i = 0; i < n; i++) {
            String name = NAMES[random.nextInt(NAMES.length)] + i;
            props.set(name, value(depth - 1));
            if (strict || random.nextBoolean()) {
                required.add(name);
            }
        }
        o.put("additionalProperties", false);
        if (random.nextInt(3) == 0) {
            o.put("description", "ignored annotation");
        }
        return o;
    }

    private JsonNode value(int depth) {
        int kind = random.nextInt(depth > 0 ? 9 : 6);
        switch (kind) {
            case 0: case 1: return scalar();
            case 2: return enumeration();
            case 3: return F.objectNode().set("const", random.nextBoolean() ? F.textNode("k\u00e9y") : F.numberNode(42));
            case 4: {
                ObjectNode s = F.objectNode();
                s.putArray("type").add(random.nextBoolean() ? "integer" : "boolean").add("null");
                return s;
            }
            case 5: {
                ObjectNode s = F.objectNode();
                s.putArray("anyOf").add(scalar()).add(enumeration());
                return s;
            }
            case 6: case 7: {
                ObjectNode s = F.objectNode().put("type", "array");
                s.set("items", depth > 1 && random.nextBoolean() ? object(depth - 1) : scalar());
                if (random.nextBoolean()) {
                    s.put("minItems", random.nextInt(2));
                    s.put("maxItems", 2 + random.nextInt(2));
                }
                return s;
            }
            default: return object(depth - 1);
        }
    }

    private JsonNode scalar() {
        String[] types = {"string", "integer", "number", "boolean", "null"};
        String type = types[random.nextInt(types.length)];
        if (type.equals("string") && random.nextDouble() >= freeStrings) {
            return enumeration();
        }
        return F.objectNode().put("type", type);
    }

    private JsonNode enumeration() {
        ObjectNode s = F.objectNode();
        ArrayNode values = s.putArray("enum");
        values.add("red").add("gr\"een").add("日本");
        if (random.nextBoolean()) {
            values.add(7).addNull();
        }
        return s;
    }
}
