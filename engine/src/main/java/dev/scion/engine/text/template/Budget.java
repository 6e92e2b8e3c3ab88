package dev.scion.engine.text.template;

import java.util.List;
import java.util.Map;

/**
 * Caps on one render, so that a hostile template or input cannot hang the server or exhaust its memory: evaluation
 * steps (every statement, expression node and loop iteration counts one), rendered size, and macro call depth.
 */
final class Budget {
  static final long MAX_STEPS = 5_000_000;
  /** Also the cap on any single string or list a template builds. */
  static final int MAX_CHARS = 10_000_000;
  static final int MAX_CALL_DEPTH = 100;

  private final long maxSteps;
  private long steps;
  private int callDepth;

  Budget(long maxSteps) {
    this.maxSteps = maxSteps;
  }

  void step(Pos at) {
    if (++steps > maxSteps) {
      throw at.error("template evaluation exceeded " + maxSteps + " steps (runaway loop?)");
    }
  }

  /**
   * Charges work proportional to the data an operation touches, so that cheap-looking steps on huge values (sorting
   * or concatenating millions of items in a loop) also run out of budget.
   */
  void charge(Object value, Pos at) {
    long units = sizeOf(value);
    if (units > 0) {
      steps += units - 1;
      step(at);
    }
  }

  /** One unit per list item or map entry, one per 64 characters of a string. */
  static long sizeOf(Object value) {
    if (value instanceof String) {
      return ((String) value).length() / 64;
    }
    if (value instanceof List) {
      return ((List<?>) value).size();
    }
    if (value instanceof Map) {
      return ((Map<?, ?>) value).size();
    }
    return 0;
  }

  void enterCall(Pos at) {
    if (++callDepth > MAX_CALL_DEPTH) {
      throw at.error("macro calls are nested more than " + MAX_CALL_DEPTH + " deep (runaway recursion?)");
    }
  }

  void exitCall() {
    callDepth--;
  }

  static void checkSize(long size, Pos at) {
    if (size > MAX_CHARS) {
      throw at.error("template produced a value of " + size + " characters/items, more than the limit of "
          + MAX_CHARS);
    }
  }
}
