package dev.scion.engine.text.template;

import static dev.scion.engine.text.template.Render.render;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Literals, operators, Python printing, slicing, tests and undefined values, each as Jinja2 renders them. */
class ExpressionTest {

  @Test
  void literalsPrintAsPythonStr() {
    assertEquals("[1, 'a', None, True, 1.5, {'k': (1, 2)}]", render("{{ [1, 'a', none, true, 1.5, {'k': (1,2)}] }}"));
    assertEquals("ab (1, 2) (1,) () 1000 1500.0", render("{{ \"a\" \"b\" }} {{ 1, 2 }} {{ (1,) }} {{ () }} "
        + "{{ 1_000 }} {{ 1.5e3 }}"));
    assertEquals("True False None", render("{{ True }} {{ false }} {{ None }}"));
    assertEquals("It's say \"hi\" [\"it's\"] ['a\"b'] ['a\\nb\\\\']",
        render("{{ \"It's\" }} {{ 'say \"hi\"' }} {{ [\"it's\"] }} {{ ['a\"b'] }} {{ ['a\\nb\\\\'] }}"));
  }

  @Test
  void stringEscapesFollowPython() {
    assertEquals("a\tbéA\\q", render("{{ \"a\\tb\\u00e9\\x41\\q\" }}"));
  }

  @Test
  void integerAndFloatArithmeticPrintLikePython() {
    assertEquals("1e+16 1000000000000000.0 0.0001 1e-05 0.3333333333333333 5.0 3 -4 2 0.5 1024 3.0",
        render("{{ 1e16 }} {{ 1e15 }} {{ 0.0001 }} {{ 0.00001 }} {{ 1/3 }} {{ 10/2 }} {{ 7//2 }} {{ -7//2 }} "
            + "{{ -7 % 3 }} {{ 2**-1 }} {{ 2**10 }} {{ 7.0//2 }}"));
    assertEquals("2.5 2 2.5 -3 -2 0.5 0.30000000000000004 inf 3.0 1.4142135623730951",
        render("{{ 10 / 4 }} {{ 10 // 4 }} {{ 10.0 / 4 }} {{ -10 // 4 }} {{ 10 % -3 }} {{ 1.5 % 1 }} {{ 0.1 + 0.2 }} "
            + "{{ 1e300 * 1e10 }} {{ 3 * 1.0 }} {{ 2 ** 0.5 }}"));
    assertEquals("5.0 1.2345678901234568e+16 3.3000000000000003 5e-324 -0.0 1e+22 100.0",
        render("{{ 2.5 * 2 }} {{ 12345678901234567 * 1.0 }} {{ 1.1 * 3 }} {{ 5e-324 }} {{ -0.0 }} {{ 1e22 }} "
            + "{{ 100.0 }}"));
    assertEquals("7 2.5", render("{{ n }} {{ f }}", "n", 7, "f", 2.5f));
  }

  @Test
  void precedenceMatchesJinja2() {
    // Unlike Python, Jinja2's ** is left-associative and binds looser than unary minus: 64 and 4.
    assertEquals("4", render("{{ -2 ** 2 }}"));
    assertEquals("5.0 64 1 a1None True False True", render("{{ 1 + 2 * 3 - 4 / 2 }} {{ 2 ** 3 ** 2 }} {{ 10 % 3 }} "
        + "{{ 'a' ~ 1 ~ none }} {{ 1 < 2 < 3 }} {{ 3 > 2 > 2 }} {{ not 1 == 2 }}"));
    // Filters bind tighter than arithmetic, and unary minus applies before the filter.
    assertEquals("3 2 3", render("{{ xs|length }} {{ xs|length - 1 }} {{ -3|abs }}", "xs", List.of(1, 2, 3)));
  }

  @Test
  void stringAndSequenceOperators() {
    assertEquals("aaa [1, 1] [1, 2] (1, 2, 3) a1", render("{{ 'a' * 3 }} {{ [1] * 2 }} {{ [1] + [2] }} "
        + "{{ (1, 2) + (3,) }} {{ 'a' ~ 1 }}"));
    TemplateException e = assertThrows(TemplateException.class, () -> render("{{ 'a' + 1 }}"));
    assertEquals("can only concatenate str (not \"int\") to str", e.reason());
    assertEquals("division by zero", assertThrows(TemplateException.class, () -> render("{{ 1 / 0 }}")).reason());
  }

  @Test
  void logicReturnsOperandsLikePython() {
    assertEquals("a no x fallback |", render("{{ 'a' if n > 5 else 'b' }} {{ 'yes' if none_v else 'no' }} "
        + "{{ t and 'x' }} {{ none_v or 'fallback' }} {{ 0 or '' }}|", "n", 7, "none_v", null, "t", true));
    assertEquals("", render("{{ 1 if false }}"));
  }

  @Test
  void comparisonsAndMembership() {
    assertEquals("TrueTrueTrueTrueTrueTrue", render("{{ 1 == 1.0 }}{{ true == 1 }}{{ none == none }}"
        + "{{ [1, 2] == [1, 2] }}{{ {'a': 1} == {'a': 1} }}{{ 'a' != 'b' }}"));
    assertEquals("FalseTrueTrueTrueTrue", render("{{ 'abc' in s }}{{ 'World' in s }}{{ 1 in xs }}{{ 5 not in xs }}"
        + "{{ 'a' in d }}", "s", "Hello World", "xs", List.of(3, 1, 2), "d", Map.of("a", 1)));
    assertEquals("'<' not supported between instances of 'int' and 'str'",
        assertThrows(TemplateException.class, () -> render("{{ 1 < 'a' }}")).reason());
  }

  @Test
  void attributeAndSubscriptAccess() {
    Map<String, Object> vars = Render.vars("messages", List.of(Map.of("role", "system", "content", "Be nice."),
        Map.of("role", "user", "content", "Hi")), "d", Render.vars("b", 2, "a", 1, "items", "k"));
    assertEquals("Be nice.user[('b', 2), ('a', 1), ('items', 'k')]k1",
        ChatTemplate.parse("{{ messages[0].content }}{{ messages[-1]['role'] }}{{ d.items() | list }}"
            + "{{ d['items'] }}{{ d.a }}").render(vars));
    assertEquals("|||", ChatTemplate.parse("{{ d.zzz }}|{{ d['zzz'] }}|{{ messages[99] }}|{{ messages.nothing }}")
        .render(vars));
    assertEquals("1", render("{{ xs.0 }}", "xs", List.of(1)));
  }

  @Test
  void slicingIncludesNegativeIndexesAndSteps() {
    assertEquals("[5, 4, 3, 2, 1][2, 3, 4, 5][4, 5]ellhlo|c", render("{{ xs[::-1] }}{{ xs[1:] }}{{ xs[-2:] }}"
        + "{{ 'hello'[1:4] }}{{ 'hello'[::2] }}{{ xs[5] }}|{{ 'abc'[-1] }}", "xs", List.of(1, 2, 3, 4, 5)));
    assertEquals("aby[1, 3][4, 3, 2][]hello", render("{{ 'abc'[0:2] ~ 'xyz'[1] }}{{ [1,2,3,4][::2] }}"
        + "{{ [1,2,3,4][-1:0:-1] }}{{ [1,2,3][10:] }}{{ 'hello'[-100:100] }}"));
    assertEquals("日本|本日", render("{{ s[3:] }}|{{ s[::-1][:2] }}", "s", "ÄÖü日本"));
    assertEquals("'int' object is not subscriptable",
        assertThrows(TemplateException.class, () -> render("{{ n[1:] }}", "n", 7)).reason());
    assertEquals("slice step cannot be zero",
        assertThrows(TemplateException.class, () -> render("{{ [1][::0] }}")).reason());
  }

  @Test
  void tests() {
    Map<String, Object> vars = Render.vars("n", 7, "f", 2.5, "t", true, "s", "Hello", "d", Map.of(),
        "xs", List.of(), "none_v", null);
    assertEquals("True False True False True True True True True True True True False True True True False",
        ChatTemplate.parse("{{ n is odd }} {{ n is even }} {{ n is divisibleby 7 }} {{ n is divisibleby(2) }} "
            + "{{ f is float }} {{ n is integer }} {{ n is number }} {{ t is boolean }} {{ s is string }} "
            + "{{ d is mapping }} {{ xs is sequence }} {{ xs is iterable }} {{ s is lower }} {{ 'ab' is lower }} "
            + "{{ none_v is none }} {{ t is true }} {{ t is false }}").render(vars));
    assertEquals("TrueTrueTrueFalseTrueTrueTrueTrue", render("{{ 'a' is in 'abc' }}{{ 1 is in [1] }}{{ 3 is gt 2 }}"
        + "{{ 3 is lt 2 }}{{ 2 is ge 2 }}{{ 'a' is ne 'b' }}{{ 'x' is equalto 'x' }}{{ 'X' is upper }}"));
    assertEquals("FalseTrueTrueFalse", render("{{ x is defined }}{{ x is undefined }}{{ 1 is not string }}"
        + "{{ 1 is not number }}"));
    assertEquals("True False", render("{{ n is integer }} {{ t is integer }}", "n", 1, "t", false));
    // lower/upper test str(value); Undefined is iterable (as an empty sequence).
    assertEquals("True False True", render("{{ (1, 'z') is lower }} {{ 'aB' is upper }} {{ nope is iterable }}"));
  }

  @Test
  void undefinedIsEmptyFalsyAndEmptyButFailsOnUse() {
    assertEquals("okFalseTruedFalse0a", render("{% for x in nope %}{{ x }}{% endfor %}ok{{ nope is defined }}"
        + "{{ nope is undefined }}{{ nope|default('d') }}{{ nope == none }}{{ nope|length }}{{ nope ~ 'a' }}"));
    assertEquals("[]", render("{{ nope }}[]{% if nope %}x{% endif %}"));
    assertEquals("'nope' is undefined",
        assertThrows(TemplateException.class, () -> render("{{ nope.attr }}")).reason());
    assertEquals("'dict object' has no attribute 'missing'",
        assertThrows(TemplateException.class, () -> render("{{ d.missing.attr }}", "d", Map.of())).reason());
    assertEquals("'nope' is undefined", assertThrows(TemplateException.class, () -> render("{{ nope + 'a' }}"))
        .reason());
    assertEquals("'nope' is undefined", assertThrows(TemplateException.class, () -> render("{{ nope() }}")).reason());
  }
}
