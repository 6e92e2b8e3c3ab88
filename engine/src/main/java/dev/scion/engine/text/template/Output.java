package dev.scion.engine.text.template;

/** Rendered text, refusing to grow past {@link Budget#MAX_CHARS}. */
final class Output {
  private final StringBuilder text = new StringBuilder();

  void append(String s, Pos at) {
    Budget.checkSize((long) text.length() + s.length(), at);
    text.append(s);
  }

  @Override
  public String toString() {
    return text.toString();
  }
}
