package dev.scion.engine.text.template;

/**
 * A chat template failed to parse or to render. Carries the 1-based line and column in the template source where the
 * problem was found (0 when no position applies, e.g. a bad tokenizer_config.json).
 *
 * <p>When the template itself called {@code raise_exception(msg)}, {@link #raisedByTemplate()} is true and
 * {@link #getMessage()} is exactly {@code msg}, because that text is written for the end user (callers answer 400).
 */
public class TemplateException extends RuntimeException {
  private final String reason;
  private final int line;
  private final int column;
  private final boolean raisedByTemplate;

  public TemplateException(String message, int line, int column) {
    this(message, line, column, false, null);
  }

  public TemplateException(String message, int line, int column, Throwable cause) {
    this(message, line, column, false, cause);
  }

  private TemplateException(String message, int line, int column, boolean raisedByTemplate, Throwable cause) {
    super(raisedByTemplate || line <= 0 ? message : message + " (line " + line + ", column " + column + ")", cause);
    this.reason = message;
    this.line = line;
    this.column = column;
    this.raisedByTemplate = raisedByTemplate;
  }

  /** The error a template reports on purpose through {@code raise_exception(message)}. */
  static TemplateException raisedByTemplate(String message, int line, int column) {
    return new TemplateException(message, line, column, true, null);
  }

  /** The message without the position suffix. */
  public String reason() {
    return reason;
  }

  public int line() {
    return line;
  }

  public int column() {
    return column;
  }

  public boolean raisedByTemplate() {
    return raisedByTemplate;
  }
}
