package dev.scion.engine.text.template;

import static dev.scion.engine.text.template.Render.render;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Statements: if, for with loop variables and loop controls, set and namespaces, macros, call and filter blocks. */
class StatementTest {
  private static final List<Map<String, Object>> MESSAGES = List.of(Map.of("role", "system", "content", "S"),
      Map.of("role", "user", "content", "U"), Map.of("role", "assistant", "content", "A"));

  @Test
  void ifElifElse() {
    assertEquals("abc", render("{% if true %}a{% elif false %}b{% else %}c{% endif %}"
        + "{% if false %}a{% elif true %}b{% else %}c{% endif %}{% if false %}a{% elif false %}b{% else %}c{% endif %}"));
  }

  @Test
  void loopVariables() {
    assertEquals("-2,32 1-3,21 2-,10 ", render("{% for a in [1,2,3] %}{{ loop.previtem }}-{{ loop.nextitem }},"
        + "{{ loop.revindex }}{{ loop.revindex0 }} {% endfor %}"));
    assertEquals("0SYSTEM,1USER,2ASSISTANT", render("{% for m in messages %}{{ loop.index0 }}{{ m.role|upper }}"
        + "{% if not loop.last %},{% endif %}{% endfor %}", "messages", MESSAGES));
    assertEquals("1:3:True 2:3:False 3:3:False ", render("{% for x in 'abc' %}{{ loop.index }}:{{ loop.length }}:"
        + "{{ loop.first }} {% endfor %}"));
    assertEquals("odd,even,odd", render("{% for i in range(3) %}{{ loop.cycle('odd', 'even') }}"
        + "{% if not loop.last %},{% endif %}{% endfor %}"));
  }

  @Test
  void innerLoopShadowsOuterLoopVariable() {
    assertEquals("100|201|1110|211|2", render("{% for i in range(2) %}{% for j in range(2) %}{{ loop.index }}{{ i }}"
        + "{{ j }}|{% endfor %}{{ loop.index }}{% endfor %}"));
  }

  @Test
  void tupleUnpackingInlineFilterAndElse() {
    assertEquals("b=211", render("{% for k, v in {'a': 1, 'b': 2}.items() if v > 1 %}{{ k }}={{ v }}{{ loop.index }}"
        + "{{ loop.length }}{% else %}empty{% endfor %}"));
    assertEquals("empty", render("{% for x in [] %}x{% else %}empty{% endfor %}"));
    assertEquals("empty", render("{% for x in [1, 2] if x > 5 %}x{% else %}empty{% endfor %}"));
    assertEquals("12341", render("{% for a, b in [[1, 2], [3, 4]] %}{{ a }}{{ b }}{% endfor %}"
        + "{% for (a, b) in [(5, 6)] %}{{ a + b - 10 }}{% endfor %}"));
    assertEquals("1:user 2:assistant ", render("{% for m in messages if m.role != 'system' %}{{ loop.index }}:"
        + "{{ m.role }} {% endfor %}", "messages", MESSAGES));
    assertEquals("ab|xy", render("{% for k in d %}{{ k }}{% endfor %}|{% for c in 'xy' %}{{ c }}{% endfor %}",
        "d", Render.vars("a", 1, "b", 2)));
  }

  @Test
  void breakAndContinue() {
    assertEquals("0134", render("{% for i in range(10) %}{% if i == 2 %}{% continue %}{% endif %}"
        + "{% if i == 5 %}{% break %}{% endif %}{{ i }}{% endfor %}"));
    assertEquals("0a0b1a1b", render("{% for i in range(2) %}{% for c in 'abc' %}{% if c == 'c' %}{% break %}"
        + "{% endif %}{{ i }}{{ c }}{% endfor %}{% endfor %}"));
  }

  @Test
  void setInsideALoopDoesNotLeakButNamespaceDoes() {
    assertEquals("221", render("{% set x = 1 %}{% for i in range(2) %}{% set x = 2 %}{{x}}{% endfor %}{{ x }}"));
    assertEquals("a,,,", render("{% for i in range(3) %}{% if i == 0 %}{% set x = 'a' %}{% endif %}{{ x }},"
        + "{% endfor %}"));
    assertEquals("4", render("{% set ns = namespace(a=1) %}{% for i in range(3) %}{% set ns.a = ns.a + i %}"
        + "{% endfor %}{{ ns.a }}"));
    assertEquals("True 2", render("{% set ns = namespace(found=false, last=-1) %}{% for m in messages %}"
        + "{% if m.role == 'user' %}{% set ns.found = true %}{% endif %}{% set ns.last = loop.index0 %}{% endfor %}"
        + "{{ ns.found }} {{ ns.last }}", "messages", MESSAGES));
    // if-blocks share the enclosing scope.
    assertEquals("y", render("{% if true %}{% set v = 'y' %}{% endif %}{{ v }}"));
  }

  @Test
  void setForms() {
    assertEquals("12", render("{% set a, b = 1, 2 %}{{ a }}{{ b }}"));
    assertEquals("(1, 2)", render("{% set t = 1, 2 %}{{ t }}"));
    assertEquals("[hello World!]", render("{% set x %}hello {{ s }}!{% endset %}[{{ x }}]", "s", "World"));
    assertEquals("not enough values to unpack (expected 2, got 1)",
        assertThrows(TemplateException.class, () -> render("{% set a, b = [1] %}")).reason());
    TemplateException e = assertThrows(TemplateException.class, () -> render("{% set x = 5 %}{% set x.attr = 1 %}"));
    assertEquals("cannot assign attribute 'attr' on non-namespace object 'x' (int)", e.reason());
  }

  @Test
  void macrosWithDefaultAndKeywordArguments() {
    assertEquals("[1x][12][x]", render("{% macro m(a, b='x') %}[{{ a }}{{ b }}]{% endmacro %}"
        + "{{ m(1) }}{{ m(1, b=2) }}{{ m() }}"));
    assertEquals("Hello A! Hello B?", render("{% macro greet(name, punct='!') -%}\nHello {{ name }}{{ punct }}\n"
        + "{%- endmacro %}{{ greet('A') }} {{ greet('B', punct='?') }}"));
    assertEquals("[1-1]", render("{% macro m(a, b=a) %}[{{ a }}-{{ b }}]{% endmacro %}{{ m(1) }}"));
    assertEquals("macro 'm' takes no keyword argument 'c'",
        assertThrows(TemplateException.class, () -> render("{% macro m(a) %}{% endmacro %}{{ m(c=1) }}")).reason());
  }

  @Test
  void callBlocksPassTheirBodyAsCaller() {
    assertEquals("[inside]", render("{% macro outer() %}[{{ caller() }}]{% endmacro %}"
        + "{% call outer() %}inside{% endcall %}"));
    assertEquals("<v=5>", render("{% macro li(x) %}<{{ caller(x) }}>{% endmacro %}"
        + "{% call(v) li(5) %}v={{ v }}{% endcall %}"));
  }

  @Test
  void filterBlockAndGenerationBlock() {
    assertEquals("ABC WORLD", render("{% filter upper %}abc {{ s }}{% endfilter %}", "s", "world"));
    assertEquals("gen world", render("{% generation %}gen {{ s }}{% endgeneration %}", "s", "world"));
  }

  @Test
  void globals() {
    assertEquals("[0, 1, 2][1, 4, 7][5, 3, 1]", render("{{ range(3)|list }}{{ range(1, 10, 3)|list }}"
        + "{{ range(5, 0, -2)|list }}"));
    assertEquals("{'a': 1, 'b': 'x'}1", render("{{ dict(a=1, b='x') }}{{ namespace(x=1).x }}"));
    assertEquals("Range too big. The sandbox blocks ranges larger than MAX_RANGE (100000).",
        assertThrows(TemplateException.class, () -> render("{{ range(100001) }}")).reason());
  }

  @Test
  void strftimeNowUsesTheClock() {
    java.time.Clock clock = java.time.Clock.fixed(java.time.Instant.parse("2024-07-26T09:05:03Z"),
        java.time.ZoneOffset.UTC);
    assertEquals("26 Jul 2024|2024-07-26 09:05:03|Friday 7/26|09 AM",
        ChatTemplate.parse("{{ strftime_now('%d %b %Y') }}|{{ strftime_now('%Y-%m-%d %H:%M:%S') }}|"
            + "{{ strftime_now('%A %-m/%-d') }}|{{ strftime_now('%I %p') }}").withClock(clock).render(Map.of()));
  }
}
