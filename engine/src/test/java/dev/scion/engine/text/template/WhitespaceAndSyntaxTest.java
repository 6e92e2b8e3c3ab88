package dev.scion.engine.text.template;

import static dev.scion.engine.text.template.Render.render;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Delimiters, whitespace control as Hugging Face configures Jinja2 (trim_blocks, lstrip_blocks), raw, and errors. */
class WhitespaceAndSyntaxTest {

  @Test
  void trimBlocksRemovesTheNewlineAfterABlockTag() {
    assertEquals("a\nb\nc", render("a\n{% if true %}\nb\n{% endif %}\nc"));
  }

  @Test
  void lstripBlocksRemovesIndentationBeforeBlockTagsOnly() {
    assertEquals("a\n    b\nc", render("a\n    {% if true %}\n    b\n    {% endif %}\nc"));
    assertEquals("  x\ny", render("  {% if true %}\n  x\n  {% endif %}\n  {# c #}\ny"));
    assertEquals("  x\nz", render("  {{ 'x' }}\n  {% set y = 1 %}\nz"));
    // Not at the start of a line: spaces before the tag stay.
    assertEquals("a  b", render("a  {% if true %}b{% endif %}"));
  }

  @Test
  void tabsAreStrippedToo() {
    assertEquals("\t1\n\t2\n", render("\t{% for i in [1, 2] %}\n\t{{ i }}\n\t{% endfor %}\n"));
  }

  @Test
  void minusStripsAllWhitespaceIncludingNewlines() {
    assertEquals("abc", render("a  {%- if true -%}  b  {%- endif -%}  c"));
    assertEquals("x a y", render("x {{- ' a ' -}} y"));
    assertEquals("[a]", render("{%- set x = 'a' -%}\n{%- if x == 'a' -%}\n    [{{ x }}]\n{%- endif -%}\n"));
    assertEquals("12", render("{% for i in [1, 2] -%}\n  {{ i }}\n{%- endfor %}"));
  }

  @Test
  void plusDisablesLstripAndTrim() {
    assertEquals("  x\ny", render("{%+ if true %}  x{% endif +%}\ny"));
    assertEquals("  \na\n", render("  {%+ if true +%}\na\n{% endif %}"));
  }

  @Test
  void indentedLinesWithMinusJoinOutput() {
    assertEquals("line1    innerend", render("line1\n  {%- if true %}\n    inner\n  {%- endif %}\nend"));
  }

  @Test
  void commentsDisappearWithTheirWhitespaceControl() {
    assertEquals("xy", render("{# comment #}x{#- c -#}   y"));
    assertEquals("ab", render("{# multi\nline #}\na\n  {#- x #}\nb"));
  }

  @Test
  void rawBlockKeepsTagsLiterally() {
    assertEquals("\n a {{ b }} {% if %}\nx", render("  {% raw %}\n a {{ b }} {% if %}\n  {% endraw %}\nx"));
    assertEquals("ax", render("{%- raw -%}  a  {%- endraw -%}  x"));
  }

  @Test
  void oneTrailingNewlineOfTheSourceIsDropped() {
    assertEquals("a\n", render("a\n\n"));
    assertEquals("a", render("a\n"));
    assertEquals("a\nb", render("a\r\nb"));
  }

  @Test
  void bracesInsideExpressionsDoNotEndTheTag() {
    assertEquals("{'a': {'b': 1}} {{ x }} %}", render("{{ {'a': {'b': 1}} }} {{ '{{ x }}' }} {{ '%}' }}"));
  }

  @Test
  void syntaxErrorsReportLineAndColumn() {
    TemplateException e = assertThrows(TemplateException.class,
        () -> ChatTemplate.parse("line one\n{% if true %}\n  {{ 1 + }}\n{% endif %}"));
    assertEquals(3, e.line());
    assertEquals(10, e.column());
    assertTrue(e.getMessage().contains("expected an expression") && e.getMessage().contains("line 3, column 10"),
        e.getMessage());
  }

  @Test
  void unclosedBlocksAndTagsAreReportedWhereTheyOpen() {
    TemplateException block = assertThrows(TemplateException.class, () -> ChatTemplate.parse("a\n  {% for x in y %}b"));
    assertEquals(2, block.line());
    assertTrue(block.getMessage().contains("'for' block is not closed"), block.getMessage());

    TemplateException tag = assertThrows(TemplateException.class, () -> ChatTemplate.parse("ab {{ x "));
    assertEquals(1, tag.line());
    assertEquals(4, tag.column());

    TemplateException bracket = assertThrows(TemplateException.class, () -> ChatTemplate.parse("{{ foo( }}"));
    assertEquals("unexpected '}', expected ')'", bracket.reason());
    assertEquals(9, bracket.column());

    assertThrows(TemplateException.class, () -> ChatTemplate.parse("{# never closed"));
    assertThrows(TemplateException.class, () -> ChatTemplate.parse("{{ 'unterminated }}"));
  }

  @Test
  void unknownAndStrayTagsAreErrors() {
    assertTrue(assertThrows(TemplateException.class, () -> ChatTemplate.parse("{% bogus %}"))
        .getMessage().contains("unknown tag 'bogus'"));
    assertTrue(assertThrows(TemplateException.class, () -> ChatTemplate.parse("x{% endif %}"))
        .getMessage().contains("'endif'"));
    assertTrue(assertThrows(TemplateException.class, () -> ChatTemplate.parse("{% break %}"))
        .getMessage().contains("outside of a for loop"));
  }

  @Test
  void deeplyNestedExpressionsAreRefusedNotAStackOverflow() {
    String deep = "{{ " + "(".repeat(5000) + "1" + ")".repeat(5000) + " }}";
    TemplateException e = assertThrows(TemplateException.class, () -> ChatTemplate.parse(deep));
    assertTrue(e.getMessage().contains("nested"), e.getMessage());
  }
}
