package dev.scion.engine.text.template;

import static dev.scion.engine.text.template.Render.render;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Hostile templates and inputs: no Java access, bounded time, bounded memory, clear errors. */
class SandboxAndLimitsTest {

  @Test
  void javaMethodsAreNeverCalled() {
    Map<String, Object> vars = Render.vars("messages", List.of(Map.of("role", "user")), "s", "abc", "d", Map.of());
    assertEquals("'list object' has no attribute 'getClass'", assertThrows(TemplateException.class,
        () -> ChatTemplate.parse("{{ messages.getClass() }}").render(vars)).reason());
    assertEquals("'str object' has no attribute 'getBytes'", assertThrows(TemplateException.class,
        () -> ChatTemplate.parse("{{ \"\".getBytes() }}").render(vars)).reason());
    for (String probe : List.of("{{ messages.getClass }}", "{{ s.length }}", "{{ s.class }}", "{{ d.hashCode }}",
        "{{ d.entrySet }}", "{{ messages.size }}", "{{ messages.stream }}", "{{ namespace.getClass }}",
        "{{ range.__class__ }}", "{{ (1).toString }}", "{{ none.getClass }}", "{{ s['getBytes'] }}",
        "{% for x in [1] %}{{ loop.getClass }}{% endfor %}", "{{ s.__class__ }}", "{{ d.__init__ }}")) {
      assertEquals("", ChatTemplate.parse(probe).render(vars), probe);
    }
    assertThrows(TemplateException.class, () -> ChatTemplate.parse("{{ s.toString() }}").render(vars));
    assertThrows(TemplateException.class, () -> ChatTemplate.parse("{{ d.getOrDefault('a', 1) }}").render(vars));
  }

  @Test
  void onlyPlainDataIsAcceptedAsInput() {
    TemplateException e = assertThrows(TemplateException.class,
        () -> render("{{ x }}", "x", List.of(Map.of("f", new File("/etc/passwd")))));
    assertEquals("variable 'x[0].f' has unsupported type File (use maps, lists, strings, numbers, booleans or null)",
        e.getMessage());
  }

  @Test
  void deeplyNestedInputIsRefused() {
    List<Object> deep = new ArrayList<>();
    List<Object> current = deep;
    for (int i = 0; i < 10_000; i++) {
      List<Object> next = new ArrayList<>();
      current.add(next);
      current = next;
    }
    TemplateException e = assertThrows(TemplateException.class, () -> render("{{ x|length }}", "x", deep));
    assertTrue(e.getMessage().contains("'x") && e.getMessage().contains("nested more than"), e.getMessage());
  }

  @Test
  void runawayLoopsHitTheStepLimit() {
    TemplateException e = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> assertThrows(
        TemplateException.class, () -> render("{% for i in range(100000) %}{% for j in range(100000) %}"
            + "{{ '' }}{% endfor %}{% endfor %}")));
    assertEquals("template evaluation exceeded " + Budget.MAX_STEPS + " steps (runaway loop?)", e.reason());
    assertEquals(1, e.line());
  }

  @Test
  void workOnHugeValuesCountsAgainstTheStepLimit() {
    // Each iteration copies 5M characters: without charging for data size this would run for minutes.
    TemplateException e = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> assertThrows(
        TemplateException.class, () -> render("{% set big = 'x' * 5000000 %}{% for i in range(100000) %}"
            + "{% set y = big ~ i %}{% endfor %}")));
    assertTrue(e.reason().startsWith("template evaluation exceeded"), e.reason());
    assertThrows(TemplateException.class, () -> render("{% set xs = range(100000)|list %}"
        + "{% for i in range(100000) %}{{ xs|sort|length }}{% endfor %}"));
  }

  @Test
  void stepLimitCountsEveryStep() {
    ChatTemplate t = ChatTemplate.parse("{% for i in range(10) %}{{ i }}{% endfor %}");
    assertEquals("0123456789", t.withMaxSteps(100).render(Map.of()));
    assertThrows(TemplateException.class, () -> t.withMaxSteps(20).render(Map.of()));
  }

  @Test
  void outputAndValueSizesAreCapped() {
    TemplateException out = assertThrows(TemplateException.class,
        () -> render("{% for i in range(20000) %}{{ 'x' * 1000 }}{% endfor %}"));
    assertTrue(out.reason().contains("more than the limit of " + Budget.MAX_CHARS), out.reason());
    assertThrows(TemplateException.class, () -> render("{{ 'x' * 100000000 }}"));
    assertThrows(TemplateException.class, () -> render("{{ [1] * 100000000 }}"));
    assertThrows(TemplateException.class, () -> render("{% set s = 'x' * 9000000 %}{{ s ~ s }}"));
  }

  @Test
  void recursionIsBounded() {
    TemplateException e = assertThrows(TemplateException.class,
        () -> render("{% macro r(n) %}{{ r(n + 1) }}{% endmacro %}{{ r(0) }}"));
    assertTrue(e.reason().contains("nested more than " + Budget.MAX_CALL_DEPTH), e.reason());
    TemplateException cycle = assertThrows(TemplateException.class,
        () -> render("{% set a = [] %}{% set _ = a.append(a) %}{{ a }}"));
    assertTrue(cycle.getMessage().contains("nested more than"), cycle.getMessage());
    assertThrows(TemplateException.class, () -> render("{% set a = [] %}{% set _ = a.append(a) %}{{ a|tojson }}"));
  }

  @Test
  void integerOverflowIsAnErrorNotAWrongNumber() {
    assertTrue(assertThrows(TemplateException.class, () -> render("{{ 2 ** 64 }}")).reason().contains("overflow"));
    assertTrue(assertThrows(TemplateException.class, () -> render("{{ 9223372036854775807 + 1 }}")).reason()
        .contains("overflow"));
  }

  @Test
  void raiseExceptionMessageComesThroughVerbatim() {
    TemplateException e = assertThrows(TemplateException.class,
        () -> render("ok\n  {{ raise_exception('Only user and assistant roles are supported!') }}"));
    assertEquals("Only user and assistant roles are supported!", e.getMessage());
    assertTrue(e.raisedByTemplate());
    assertEquals(2, e.line());
  }

  @Test
  void runtimeErrorsCarryTheirPosition() {
    TemplateException e = assertThrows(TemplateException.class, () -> render("{{ 1 }}\n  {{ nope.x }}"));
    assertEquals("'nope' is undefined (line 2, column 11)", e.getMessage()); // points at the attribute
    assertFalse(e.raisedByTemplate());
    assertEquals(2, e.line());
    assertEquals(11, e.column());
  }

  @Test
  void oversizedSourceIsRefused() {
    String huge = "x".repeat(Lexer.MAX_SOURCE_CHARS + 1);
    assertTrue(assertThrows(TemplateException.class, () -> ChatTemplate.parse(huge)).getMessage()
        .contains("more than the limit"));
  }
}
