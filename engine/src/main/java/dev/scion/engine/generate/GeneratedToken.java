package dev.scion.engine.generate;

import dev.scion.engine.sampling.SampledToken;

/**
 * One generated token as streamed.
 *
 * @param textDelta text that became final with this token (may be empty while a multi-byte
 *     character or a possible stop string is still incomplete)
 */
public record GeneratedToken(int index, SampledToken sample, String textDelta) {}
