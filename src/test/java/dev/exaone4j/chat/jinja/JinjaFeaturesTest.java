package dev.exaone4j.chat.jinja;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Readable examples of the Jinja2 features chat templates rely on (expected values as jinja2 3.1.6 renders them). */
class JinjaFeaturesTest {
    static String r(String template, Object... kv) {
        Map<String, Object> ctx = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) ctx.put((String) kv[i], kv[i + 1]);
        return JinjaTemplate.compile(template).render(ctx);
    }

    @Test
    void whitespaceControlTrimBlocksAndLstripBlocks() {
        assertThat(r("  {% if true %}\n  x\n  {% endif %}\n  y")).isEqualTo("  x\n  y");
        assertThat(r("a  {%- if true -%}  b  {%- endif -%}  c")).isEqualTo("abc");
        assertThat(r("a {{- 'b' -}} \n c")).isEqualTo("abc");
        assertThat(r("{%+ if true %}x{% endif +%}\n  {%+ if true %}y{% endif %}\n")).isEqualTo("x\n  y");
        assertThat(r("a {# c #} b\n  {# c2 #}\nc")).isEqualTo("a  b\nc");
        assertThat(r("{% raw %}{{ x }}{% endraw %}")).isEqualTo("{{ x }}");
        assertThat(r("x\r\ny\n")).isEqualTo("x\ny");
    }

    @Test
    void pythonValuePrinting() {
        assertThat(r("{{ [1, 'a', none, true, 1.5, {'k': (1,)}] }}")).isEqualTo("[1, 'a', None, True, 1.5, {'k': (1,)}]");
        assertThat(r("{{ 1e16 }} {{ 1e-5 }} {{ 0.1 + 0.2 }} {{ 3 / 2 }} {{ 4 / 2 }}")).isEqualTo("1e+16 1e-05 0.30000000000000004 1.5 2.0");
        assertThat(r("{{ [\"it's\", 'a\"b', 'q\\n'] }}")).isEqualTo("[\"it's\", 'a\"b', 'q\\n']");
        assertThat(r("{{ x }}|{{ none }}|{{ true }}", "x", null)).isEqualTo("None|None|True");
        assertThat(r("{{ undefined_thing }}|")).isEqualTo("|");
    }

    @Test
    void operatorsAndPrecedence() {
        assertThat(r("{{ 7 // 2 }} {{ -7 // 2 }} {{ -7 % 3 }} {{ 2 ** 10 }} {{ 2 ** -1 }} {{ -1 ** 2 }} {{ 2 ** 3 ** 2 }}"))
                .isEqualTo("3 -4 2 1024 0.5 1 64");
        assertThat(r("{{ 'a' ~ 1 ~ none }} {{ (1 ~ 2) ~ 3 }} {{ 'ab' * 2 }} {{ [1] + [2] }}")).isEqualTo("a1None 123 abab [1, 2]");
        assertThat(r("{{ 1 < 2 < 3 }} {{ 1 == 1.0 }} {{ true == 1 }} {{ 'a' not in 'b' }} {{ 2 in [1, 2] }}"))
                .isEqualTo("True True True True True");
        assertThat(r("{{ x or 'fallback' }} {{ x and 'no' }} {{ not x }} {{ 'y' if x else 'n' }}", "x", "")).isEqualTo("fallback  True n");
        assertThat(r("{{ 'abc'[::-1] }} {{ x[1:] }} {{ x[:-1] }} {{ x[::2] }} {{ x[-1] }}", "x", List.of(1, 2, 3, 4)))
                .isEqualTo("cba [2, 3, 4] [1, 2, 3] [1, 3] 4");
    }

    @Test
    void attributeAndItemAccessFollowPythonDictSemantics() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("items", 1);
        d.put("role", "user");
        assertThat(r("{{ d['items'] }} {{ d.role }} {{ d['role'] }} {{ d.missing is defined }} {{ d.get('x', 'z') }}", "d", d))
                .isEqualTo("1 user user False z");
        assertThat(r("{{ d.items()|list }}", "d", Map.of("a", 1))).isEqualTo("[('a', 1)]");
        assertThat(r("{{ x[5] is defined }} {{ none.x is defined }}", "x", List.of(1))).isEqualTo("False False");
    }

    @Test
    void stringMethods() {
        assertThat(r("{{ ' a b '.strip() }}|{{ 'xxaxx'.lstrip('x') }}|{{ 'a b c'.split(' ', 1) }}|{{ 'a b c'.rsplit(' ', 1) }}"))
                .isEqualTo("a b|axx|['a', 'b c']|['a b', 'c']");
        assertThat(r("{{ 'a\\nb\\r\\nc'.splitlines() }}|{{ 'abcb'.find('b') }}|{{ 'abcb'.rfind('b') }}|{{ 'abcb'.count('b') }}"))
                .isEqualTo("['a', 'b', 'c']|1|3|2");
        assertThat(r("{{ 'ab'.startswith(('x', 'a')) }} {{ 'ab'.endswith('b') }} {{ 'heLLo wOrld'.title() }} {{ 'ab'.upper() }}"))
                .isEqualTo("True True Hello World AB");
        assertThat(r("{{ '{} and {x}'.format(1, x=2) }} {{ 'a %s b %d' % ('x', 3) }} {{ '🦙ab'|length }}"))
                .isEqualTo("1 and 2 a x b 3 3");
    }

    @Test
    void filters() {
        assertThat(r("{{ x | selectattr('role', 'equalto', 'user') | map(attribute='c') | join(',') }}", "x",
                List.of(Map.of("role", "user", "c", "a"), Map.of("role", "b", "c", "b"), Map.of("role", "user", "c", "c"))))
                .isEqualTo("a,c");
        assertThat(r("{{ x | tojson }}", "x", Map.of("a", List.of(1, 2.5, "é\n")))).isEqualTo("{\"a\": [1, 2.5, \"é\\n\"]}");
        assertThat(r("{{ {'b': 1, 'a': [2]} | tojson(indent=2) }}")).isEqualTo("{\n  \"b\": 1,\n  \"a\": [\n    2\n  ]\n}");
        assertThat(r("{{ [3, 1, 2]|sort }} {{ {'b': 1, 'a': 2}|dictsort }} {{ [1, 2, 1]|unique|list }} {{ [1, 2]|reverse|list }}"))
                .isEqualTo("[1, 2, 3] [('a', 2), ('b', 1)] [1, 2] [2, 1]");
        assertThat(r("{{ 2.5|round }} {{ 3|round }} {{ '3.7'|int }} {{ 'x'|int }} {{ -3|abs }} {{ ' a '|trim }} {{ 'a-b'|replace('-', '+') }}"))
                .isEqualTo("2.0 3 3 0 3 a a+b");
        assertThat(r("{{ foo|default('d') }} {{ none|default('d') }} {{ none|default('d', true) }} {{ foo|length }}"))
                .isEqualTo("d None d 0");
        assertThat(r("{{ 'a\\nb'|indent(2) }}|{{ 'Ab'|capitalize }} {{ 'Hello World'|title }} {{ [1, 2, 3, 4, 5]|batch(2)|list }}"))
                .isEqualTo("a\n  b|Ab Hello World [[1, 2], [3, 4], [5]]");
    }

    @Test
    void tests() {
        assertThat(r("{{ 'a' is string }} {{ 1 is number }} {{ true is number }} {{ x is mapping }} {{ x is iterable }} {{ 1 is integer }}",
                "x", Map.of())).isEqualTo("True True True True True True");
        assertThat(r("{{ 7 is divisibleby 3 }} {{ 'a' is in 'abc' }} {{ 2 is odd }} {{ none is none }} {{ x is not defined }} {{ 1 is eq 1 }}"))
                .isEqualTo("False True False True True True");
        assertThat(r("{{ true is true }} {{ 0 is false }} {{ false is boolean }} {{ [] is sequence }}")).isEqualTo("True False True True");
    }

    @Test
    void statements() {
        assertThat(r("{% for a, b in [(1, 2), (3, 4)] %}{{ a }}{{ b }}{{ loop.index }}{{ loop.last }}{% else %}E{% endfor %}"))
                .isEqualTo("121False342True");
        assertThat(r("{% for a in [] %}x{% else %}E{% endfor %}")).isEqualTo("E");
        assertThat(r("{% for a in [1, 2, 3] if a > 1 %}{{ loop.index }}/{{ loop.length }}{{ loop.previtem }}{% endfor %}"))
                .isEqualTo("1/22/22");
        assertThat(r("{% for x in [1, 2, 3, 4] %}{% if x == 2 %}{% continue %}{% endif %}{% if x == 4 %}{% break %}{% endif %}{{ x }}{% endfor %}"))
                .isEqualTo("13");
        assertThat(r("{% set a, b = 1, 2 %}{{ a }}{{ b }}{% set x %}hi {{ 1 }}{% endset %}[{{ x }}]{% set y | upper %}yo{% endset %}{{ y }}"))
                .isEqualTo("12[hi 1]YO");
        assertThat(r("{% filter upper %}abc{% endfilter %}{% with q = 5 %}{{ q }}{% endwith %}{{ q is defined }}")).isEqualTo("ABC5False");
        assertThat(r("{% macro m(a, b=2) %}{{ a }}{{ b }}{{ varargs }}{% endmacro %}{{ m(1) }} {{ m(1, 3, 4) }}")).isEqualTo("12() 13(4,)");
        assertThat(r("{% macro w(x) %}<{{ caller(x * 2) }}>{% endmacro %}{% call(v) w(2) %}in{{ v }}{% endcall %}")).isEqualTo("<in4>");
        assertThat(r("{% for m in t recursive %}[{{ m.n }}{% if m.c %}{{ loop(m.c) }}{% endif %}]{% endfor %}", "t",
                List.of(Map.of("n", 1, "c", List.of(Map.of("n", 2))), Map.of("n", 3)))).isEqualTo("[1[2]][3]");
        assertThat(r("{% generation %}gen{% endgeneration %}")).isEqualTo("gen");
    }

    @Test
    void scopingLikeJinja2() {
        assertThat(r("{% set x = 1 %}{% for i in range(2) %}{% set x = x + 1 %}{{ x }}{% endfor %}{{ x }}")).isEqualTo("221");
        assertThat(r("{% for i in range(3) %}{% if i == 0 %}{% set x = 'a' %}{% endif %}[{{ x }}]{% endfor %}")).isEqualTo("[a][][]");
        assertThat(r("{% set ns = namespace(n=0) %}{% for i in range(3) %}{% set ns.n = ns.n + i %}{% endfor %}{{ ns.n }}")).isEqualTo("3");
        assertThat(r("{% macro m() %}{{ x }}{% endmacro %}{% set x = 1 %}{{ m() }}")).isEqualTo("1");
    }

    @Test
    void listAppendIsAllowedUnlikeTheImmutableSandbox() {
        assertThat(r("{% set l = [] %}{% for i in range(3) %}{% set _ = l.append(i) %}{% endfor %}{{ l }}")).isEqualTo("[0, 1, 2]");
        assertThat(r("{% set ns = namespace(l=[]) %}{% set _ = ns.l.append('a') %}{{ ns.l }}")).isEqualTo("['a']");
    }

    @Test
    void contextIsCopiedNotShared() {
        List<Object> list = new ArrayList<>(List.of(1));
        assertThat(r("{% set _ = x.append(2) %}{{ x }}", "x", list)).isEqualTo("[1, 2]");
        assertThat(list).containsExactly(1);
    }

    @Test
    void globals() {
        assertThat(r("{{ range(3)|list }} {{ range(1, 10, 3)|list }} {{ dict(a=1) }} {{ namespace(a=1).a }}")).isEqualTo("[0, 1, 2] [1, 4, 7] {'a': 1} 1");
        assertThat(r("{% set j = joiner('|') %}{% for i in range(3) %}{{ j() }}{{ i }}{% endfor %}")).isEqualTo("0|1|2");
        assertThat(r("{{ strftime_now('%Y-%m-%d') }}")).matches("\\d{4}-\\d{2}-\\d{2}");
    }
}
