package dev.exaone4j.chat.jinja;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The template is untrusted: bounded output, steps, time and nesting; errors carry the template line. */
class SandboxTest {
    private static TemplateError renderError(String template, RenderLimits limits) {
        try {
            JinjaTemplate.compile(template).render(Map.of(), limits);
        } catch (TemplateError e) {
            return e;
        }
        throw new AssertionError("expected a TemplateError");
    }

    private static TemplateError renderError(String template) {
        return renderError(template, RenderLimits.DEFAULT);
    }

    @Test
    void hugeRangeFailsFastLikeJinja2Sandbox() {
        long t0 = System.nanoTime();
        TemplateError e = renderError("line one\n{% for i in range(10**9) %}{{ i }}{% endfor %}");
        assertThat(System.nanoTime() - t0).isLessThan(Duration.ofSeconds(2).toNanos());
        assertThat(e.kind()).isEqualTo(TemplateError.Kind.LIMIT);
        assertThat(e.line()).isEqualTo(2);
        assertThat(e.getMessage()).isEqualTo("chat template line 2: Range too big. The sandbox blocks ranges larger than MAX_RANGE (100000).");
    }

    @Test
    void nestedLoopsHitTheStepLimit() {
        RenderLimits small = new RenderLimits(1 << 20, 100_000, 50, Duration.ofSeconds(10));
        TemplateError e = renderError("{% for i in range(1000) %}{% for j in range(1000) %}{% endfor %}{% endfor %}", small);
        assertThat(e.kind()).isEqualTo(TemplateError.Kind.LIMIT);
        assertThat(e.detail()).contains("evaluation steps");
    }

    @Test
    void wallClockLimit() {
        RenderLimits quick = new RenderLimits(1 << 20, Long.MAX_VALUE, 50, Duration.ofMillis(50));
        TemplateError e = renderError("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}", quick);
        assertThat(e.kind()).isEqualTo(TemplateError.Kind.LIMIT);
        assertThat(e.detail()).contains("time limit");
    }

    @Test
    void outputAndStringSizeAreBounded() {
        RenderLimits small = new RenderLimits(1000, 1_000_000, 50, Duration.ofSeconds(10));
        assertThat(renderError("{% for i in range(2000) %}x{% endfor %}", small).detail()).contains("output exceeds");
        assertThat(renderError("{{ 'x' * 100000 }}", small).kind()).isEqualTo(TemplateError.Kind.LIMIT);
        assertThat(renderError("{% set ns = namespace(s='xxxxxxxxxx') %}{% for i in range(10) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}", small).kind())
                .isEqualTo(TemplateError.Kind.LIMIT);
        assertThat(renderError("{% set ns = namespace(l=[1]) %}{% for i in range(30) %}{% set ns.l = ns.l + ns.l %}{% endfor %}", small).kind())
                .isEqualTo(TemplateError.Kind.LIMIT);
        assertThat(renderError("{{ ('x' * 900)|replace('x', 'yy') }}", small).kind()).isEqualTo(TemplateError.Kind.LIMIT);
        assertThat(renderError("{{ '{:99999999}'.format(1) }}", small).kind()).isEqualTo(TemplateError.Kind.LIMIT);
    }

    @Test
    void recursionIsBounded() {
        TemplateError e = renderError("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}");
        assertThat(e.kind()).isEqualTo(TemplateError.Kind.LIMIT);
        assertThat(e.detail()).contains("depth");
        TemplateError deep = renderError("{{ " + "(".repeat(5000) + "1" + ")".repeat(5000) + " }}");
        assertThat(deep.kind()).isEqualTo(TemplateError.Kind.LIMIT);
    }

    @Test
    void selfReferentialStructuresDoNotHang() {
        TemplateError e = renderError("{% set l = [] %}{% set _ = l.append(l) %}{{ l }}");
        assertThat(e.kind()).isEqualTo(TemplateError.Kind.LIMIT);
    }

    @Test
    void raiseExceptionMessageIsExact() {
        TemplateError e = renderError("a\nb\n{{ raise_exception('Conversation roles must alternate user/assistant') }}");
        assertThat(e.kind()).isEqualTo(TemplateError.Kind.RAISED);
        assertThat(e.detail()).isEqualTo("Conversation roles must alternate user/assistant");
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.getMessage()).isEqualTo("chat template line 3: Conversation roles must alternate user/assistant");
    }

    @Test
    void compileErrorsNameTheLine() {
        assertThatThrownBy(() -> JinjaTemplate.compile("ok\n\n{{ x | foo }}"))
                .isInstanceOf(TemplateError.class).hasMessage("chat template line 3: unknown filter 'foo'");
        assertThatThrownBy(() -> JinjaTemplate.compile("{% if x is bar %}{% endif %}"))
                .hasMessage("chat template line 1: unknown test 'bar'");
        assertThatThrownBy(() -> JinjaTemplate.compile("{% if true %}\nno end"))
                .hasMessageContaining("Unexpected end of template").hasMessageContaining("'endif'");
        assertThatThrownBy(() -> JinjaTemplate.compile("{% include 'other.jinja' %}"))
                .hasMessageContaining("not supported");
        assertThatThrownBy(() -> JinjaTemplate.compile("x\n{{ 1 + }}")).hasMessageStartingWith("chat template line 2:");
        assertThatThrownBy(() -> JinjaTemplate.compile("{# open")).hasMessageContaining("Missing end of comment tag");
    }

    @Test
    void runtimeErrorsNameTheLine() {
        TemplateError e = renderError("{% for m in [1] %}\n\n  {{ m.x.y }}\n{% endfor %}");
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.detail()).isEqualTo("'int object' has no attribute 'x'");
        assertThat(renderError("{{ 'a' + 1 }}").detail()).isEqualTo("can only concatenate str (not \"int\") to str");
        assertThat(renderError("{{ nope() }}").detail()).isEqualTo("'nope' is undefined");
    }

    @Test
    void onlyTheValueModelIsReachable() {
        // Java objects never enter a template; common escape routes of Python sandboxes just yield undefined values
        assertThat(JinjaTemplate.compile("{{ ''.__class__ }}|{{ x.__class__ }}|{{ range.__globals__ }}|{{ x.getClass }}")
                .render(Map.of("x", Map.of()))).isEqualTo("|||");
        assertThatThrownBy(() -> JinjaTemplate.compile("{{ x }}").render(Map.of("x", new Object())))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
