/**
 * An OpenAI-compatible HTTP server ({@code exaone4j serve}) with continuous batching.
 *
 * <ul>
 *   <li>{@link dev.exaone4j.server.InferenceServer}: lifecycle (bind, background model load, graceful drain).</li>
 *   <li>{@code HttpApi}: routes, API key, body limit, OpenAI error shape ({@code ApiError}); {@code ChatCompletions},
 *       {@code Completions}, {@code TokenizeApi} answer the endpoints; {@code SseWriter} streams.</li>
 *   <li>{@code ChatCompletionRequest} / {@code GenerationParams}: parsing and bounds of every field;
 *       {@code ChatPrompt} renders through the model's chat template (the chat package's sandbox);
 *       {@code ChatChoice} splits reasoning and tool calls from the output.</li>
 *   <li>{@code Scheduler}: one thread, one batched forward pass per step over every running {@code Sequence}
 *       (decode rows plus prefill chunks); {@code PrefixCache} reuses computed prompts; {@code JsonConstraint}
 *       steers forced tool calls; {@code Metrics} exports Prometheus text.</li>
 * </ul>
 *
 * <h2>Why the JDK's built-in HTTP server</h2>
 * {@code com.sun.net.httpserver.HttpServer} ships with every JDK (module {@code jdk.httpserver}), so the server adds no
 * runtime dependency and nothing to the jar: the project stays a pure-Java runtime with picocli and Jackson only. Its
 * feature set is small — HTTP/1.1, keep-alive, chunked bodies — which is all the OpenAI API needs. It runs each
 * exchange on a virtual thread here ({@code Executors.newVirtualThreadPerTaskExecutor()}), so a handler can simply
 * block: waiting for its tokens from the scheduler and writing server-sent events with plain blocking writes costs a
 * few hundred bytes of stack per stream, not a platform thread, and thousands of idle or slow clients are cheap. The
 * heavy work never runs on these threads: the single scheduler thread owns the model.
 */
package dev.exaone4j.server;
