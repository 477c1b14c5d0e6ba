/**
 * A sandboxed interpreter for the subset of Jinja2 that chat templates use, with Python value semantics, so that
 * rendering matches Hugging Face transformers' {@code apply_chat_template} (jinja2 {@code ImmutableSandboxedEnvironment},
 * {@code trim_blocks}, {@code lstrip_blocks}, {@code loopcontrols}, transformers' {@code tojson},
 * {@code raise_exception} and {@code strftime_now}) byte for byte.
 *
 * <p>Entry point: {@link dev.exaone4j.chat.jinja.JinjaTemplate}. Templates only ever see the interpreter's own value
 * model (str, int, float, bool, None, list, tuple, dict, namespace, macros, loop objects); there is no path to Java
 * objects, reflection, files or other templates. Rendering is bounded by {@link dev.exaone4j.chat.jinja.RenderLimits}
 * (output size, evaluation steps, wall time, call depth) and errors carry the template line
 * ({@link dev.exaone4j.chat.jinja.TemplateError}).
 *
 * <p>Known, deliberate differences from transformers' environment: {@code list.append}/{@code extend}/{@code insert}/
 * {@code pop} are allowed (jinja2's immutable sandbox rejects them; llama.cpp's minja accepts them, and some GGUF templates
 * rely on it); integers are 64-bit (overflow is an error instead of a big integer); {@code range()} is a list (prints
 * as {@code [0, 1]}, not {@code range(0, 2)}); generators print without a memory address; {@code pprint} sorts dict keys
 * but does not wrap long lines; {@code |e} returns a plain string (no Markup type, autoescape is off anyway); includes,
 * imports, template inheritance and the i18n and {@code do} extensions are not supported, as in transformers (a template
 * cannot load another template). Tests that jinja2 does not have (for example {@code startingwith}) are unknown here
 * too, since transformers would reject such a template.
 */
package dev.exaone4j.chat.jinja;
