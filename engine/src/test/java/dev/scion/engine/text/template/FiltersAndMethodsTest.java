package dev.scion.engine.text.template;

import static dev.scion.engine.text.template.Render.render;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Built-in filters (tojson as Hugging Face defines it) and the whitelisted Python methods on values. */
class FiltersAndMethodsTest {
  private static final List<Map<String, Object>> MESSAGES = List.of(Map.of("role", "system", "content", "S"),
      Map.of("role", "user", "content", "U"), Map.of("role", "assistant", "content", "A"));

  @Test
  void tojsonUsesPythonSeparatorsKeepsOrderAndNonAscii() {
    Map<String, Object> d = Render.vars("b", 2, "a", "é 日本", "c", Render.vars("x", null, "y", List.of(true, 1.0)));
    assertEquals("{\"b\": 2, \"a\": \"é 日本\", \"c\": {\"x\": null, \"y\": [true, 1.0]}}",
        render("{{ d|tojson }}", "d", d));
    assertEquals("{\n  \"k\": [\n    1,\n    {\n      \"x\": null\n    }\n  ]\n}[]{}",
        render("{{ {'k': [1, {'x': none}]}|tojson(indent=2) }}{{ []|tojson(indent=2) }}{{ {}|tojson }}"));
    assertEquals("[3,1]|{\"a\": 1, \"b\": 2}|\"a\\\"b\\\\c\\n\\u0001\"",
        render("{{ [3, 1]|tojson(separators=(',', ':')) }}|{{ {'b': 2, 'a': 1}|tojson(sort_keys=true) }}|"
            + "{{ s|tojson }}", "s", "a\"b\\c\n\u0001"));
  }

  @Test
  void stringFilters() {
    assertEquals("hi|hi|A B|Ab|a;b|HI|hi", render("{{ '  hi  '|trim }}|{{ 'xxhixx'|trim('x') }}|{{ 'a b'|title }}|"
        + "{{ 'aB'|capitalize }}|{{ 'a,b'|replace(',', ';') }}|{{ 'hi'|upper }}|{{ 'HI'|lower }}"));
    assertEquals("Hello-World (X)|Don't Stop", render("{{ 'hello-world (x)'|title }}|{{ \"don't stop\"|title }}"));
    assertEquals("a\n  b|  a\n\n  b|a\n  \n  b", render("{{ 'a\\nb'|indent(2) }}|{{ 'a\\n\\nb'|indent(2, true) }}|"
        + "{{ 'a\\n\\nb'|indent(2, blank=true) }}"));
    assertEquals("&lt;a href=&#34;x&#34;&gt; &amp;|<b>", render("{{ '<a href=\"x\"> &'|e }}|{{ '<b>'|safe }}"));
    assertEquals("3|   Hello   |True|None|[3, 1]", render("{{ 'a  b\\tc'|wordcount }}|{{ 'Hello'|center(11) }}|"
        + "{{ true|string }}|{{ none|string }}|{{ [3, 1]|string }}"));
  }

  @Test
  void defaultFilter() {
    assertEquals("d|None|x||0", render("{{ nope|d('d') }}|{{ none|default('x') }}|{{ ''|default('x', true) }}|"
        + "{{ ''|default('x') }}|{{ 0|default(1) }}"));
  }

  @Test
  void numberFilters() {
    assertEquals("2.0 3 4.0 2.67 -2.0 1234.57 1200.0 2.0 3.0", render("{{ 2.5|round }} {{ 3|round }} {{ 3.5|round }} "
        + "{{ 2.675|round(2) }} {{ -2.5|round }} {{ 1234.5678|round(2) }} {{ 1234.5678|round(-2) }} "
        + "{{ 2.5|round(0, 'floor') }} {{ 2.1|round(method='ceil') }}"));
    assertEquals("042443.53.00.0", render("{{ 'x'|int }}{{ '42'|int }}{{ '4.7'|int }}{{ 4.7|int }}{{ '3.5'|float }}"
        + "{{ 3|float }}{{ 'x'|float }}"));
    assertEquals("3 1.5", render("{{ -3|abs }} {{ (0 - 1.5)|abs }}"));
  }

  @Test
  void sequenceFilters() {
    Map<String, Object> vars = Render.vars("xs", List.of(3, 1, 2), "messages", MESSAGES);
    assertEquals("[1, 2, 3] [3, 2, 1] 3 1 6 3-1-2 312 3 2",
        ChatTemplate.parse("{{ xs|sort }} {{ xs|sort(reverse=true) }} {{ xs|max }} {{ xs|min }} {{ xs|sum }} "
            + "{{ xs|join('-') }} {{ xs|map('string')|join }} {{ xs|first }} {{ xs|last }}").render(vars));
    assertEquals("['system', 'user', 'assistant'] 1 system,assistant S / U",
        ChatTemplate.parse("{{ messages|map(attribute='role')|list }} "
            + "{{ messages|selectattr('role', 'equalto', 'user')|list|length }} "
            + "{{ messages|rejectattr('role', 'eq', 'user')|map(attribute='role')|join(',') }} "
            + "{{ messages|selectattr('role', 'in', ['user', 'system'])|map(attribute='content')|join(' / ') }}")
            .render(vars));
    assertEquals("[3, 1] [3, 1] [1, 'a']", ChatTemplate.parse("{{ xs|select('odd')|list }} "
        + "{{ xs|reject('even')|list }} {{ [0, 1, '', 'a']|select|list }}").render(vars));
    assertEquals("[{'a': 1}, {'a': 2}] ['A', 'b', 'c'] ['A', 'b', 'c'] ['a', 'b'] ba [2, 1] ['a', 'b']",
        render("{{ [{'a': 2}, {'a': 1}]|sort(attribute='a') }} {{ ['b', 'A', 'c']|sort }} "
            + "{{ ['b', 'A', 'c']|sort(case_sensitive=true) }} {{ ['a', 'A', 'b']|unique|list }} {{ 'ab'|reverse }} "
            + "{{ [1, 2]|reverse|list }} {{ 'ab'|list }}"));
    assertEquals("[[1, 2], [3]] [[1, 2], [3, 0]] [] []", render("{{ [1, 2, 3]|batch(2) }} {{ [1, 2, 3]|batch(2, 0) }} "
        + "{{ 0|select|list }} {{ none|map('upper')|list }}"));
    assertEquals("['?', '?', '?']", ChatTemplate.parse("{{ messages|map(attribute='nothing', default='?')|list }}")
        .render(vars));
    assertEquals("[('a', 1), ('b', 2)] [('b', 2), ('a', 1)] 3 0", render("{{ d|dictsort }} {{ d|items|list }} "
        + "{{ 'abc'|length }} {{ nope|count }}", "d", Render.vars("b", 2, "a", 1)));
  }

  @Test
  void unknownFilterAndTestAreErrors() {
    assertEquals("no filter named 'nosuchfilter'",
        assertThrows(TemplateException.class, () -> render("{{ 1|nosuchfilter }}")).reason());
    assertEquals("no test named 'nosuchtest'",
        assertThrows(TemplateException.class, () -> render("{{ 1 is nosuchtest }}")).reason());
  }

  @Test
  void stringMethods() {
    assertEquals("['Hello', 'World']['Hell', ' W', 'rld']['Hello W', 'rld']['a', 'b  ']hello worldTrueTrue",
        render("{{ s.split() }}{{ s.split('o') }}{{ s.rsplit('o', 1) }}{{ '  a b  '.split(None, 1) }}"
            + "{{ s.lower() }}{{ s.startswith('He') }}{{ s.endswith(('x', 'ld')) }}", "s", "Hello World"));
  }

  @Test
  void moreStringMethods() {
    assertEquals("x|x--|--x|y", render("{{ '  x  '.strip() }}|{{ '--x--'.lstrip('-') }}|{{ '--x--'.rstrip('-') }}|"
        + "{{ 'xyx'.strip('x') }}"));
    assertEquals("a-b|axb|['a', 'b', 'c']|True|True|False|2|2|-1|Hello World|Hello", render("{{ 'aXb'.replace('X', '-') }}|"
        + "{{ 'x'.join(['a','b']) }}|{{ 'a\\nb\\r\\nc'.splitlines() }}|{{ '12'.isdigit() }}|{{ ' '.isspace() }}|"
        + "{{ 'a1'.isalpha() }}|{{ 'hello'.find('l') }}|{{ 'hello'.count('l') }}|{{ 'hello'.find('z') }}|"
        + "{{ 'hello world'.title() }}|{{ 'hELLO'.capitalize() }}"));
    assertEquals("A1|r|ok", render("{{ c.split('</think>')[-1].lstrip('\\n') }}|"
        + "{{ c.split('</think>')[0].rstrip('\\n').split('<think>')[-1].lstrip('\\n') }}|"
        + "{{ 'ok' if c.startswith('<think>') }}", "c", "<think>\nr\n</think>\n\nA1"));
  }

  @Test
  void listAndDictMethods() {
    assertEquals("None[3, 1, 2, 4]|1|2", render("{{ xs.append(4) }}{{ xs }}|{{ [1, 2, 3].index(2) }}|"
        + "{{ [1, 2, 2].count(2) }}", "xs", new java.util.ArrayList<>(List.of(3, 1, 2))));
    assertEquals("1|dflt|None|['b', 'a']|[2, 1]|[('b', 2), ('a', 1)]", render("{{ d.get('a') }}|"
        + "{{ d.get('zz', 'dflt') }}|{{ d.get('zz') }}|{{ d.keys()|list }}|{{ d.values()|list }}|{{ d.items()|list }}",
        "d", Render.vars("b", 2, "a", 1)));
  }

  @Test
  void templatesCannotMutateTheCallersData() {
    List<Object> callers = new java.util.ArrayList<>(List.of(1));
    assertEquals("[1, 2]", render("{% set _ = xs.append(2) %}{{ xs }}", "xs", callers));
    assertEquals(List.of(1), callers);
  }
}
