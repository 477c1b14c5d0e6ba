/**
 * Chat templates, conversation model, reasoning and tool-call parsing.
 *
 * <ul>
 *   <li>{@link dev.exaone4j.chat.ChatFormat}: a model's chat template(s) and special tokens, loaded from
 *       {@code tokenizer_config.json} / {@code chat_template.jinja}, a GGUF's {@code tokenizer.chat_template}, or a
 *       built-in ({@link dev.exaone4j.chat.ChatTemplates#builtinFor}); renders a conversation like transformers'
 *       {@code apply_chat_template}.</li>
 *   <li>{@link dev.exaone4j.chat.ChatTemplate}: one compiled template; rendering runs the sandboxed Jinja2
 *       interpreter in {@link dev.exaone4j.chat.jinja}.</li>
 *   <li>{@link dev.exaone4j.chat.ChatMessage}, {@link dev.exaone4j.chat.ToolCall}: the conversation model.</li>
 *   <li>{@link dev.exaone4j.chat.ReasoningParser} then {@link dev.exaone4j.chat.ToolCallParser}: split streamed output
 *       into reasoning, answer text and tool calls.</li>
 * </ul>
 *
 * <h2>Why an own Jinja interpreter</h2>
 * Measured on the shipped cases ({@code testdata/chat}: the real Qwen3 template with tools and thinking, 12 cases,
 * expected strings from jinja2 3.1.6 configured as transformers does): <b>Jinjava 2.8.0: 0/12</b> byte-exact, both stock
 * and with a Python-style {@code tojson} filter registered (it does not honour {@code {%- -%}}/{@code {{- -}}} trimming
 * the way jinja2 does, fails on {@code namespace(k=v)} keyword arguments, and its {@code tojson} separators differ);
 * <b>this interpreter: 12/12</b>. It also agrees with jinja2 on ~2070 further cases kept as a regression test
 * ({@code jinja2-reference.jsonl}: whitespace-control combinations, fragments modelled on real Llama/Mistral/Hermes/
 * DeepSeek templates, Python string and float formatting, filters, tests, macros, loops, random expressions), on 12,000
 * random expressions checked during development (the only differences: generator reprs, which print a memory address
 * in Python, and literal slices that jinja2's constant folder turns into undefined) and on 6,000 random floats. The
 * built-in templates render identically under jinja2. It has no dependencies beyond Jackson.
 */
package dev.exaone4j.chat;
