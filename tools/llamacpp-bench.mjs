// llama.cpp's side of `bin/compare-llamacpp`: the llama-bench measurements (pp: p tokens in one batch into an empty
// context; tg: n one-token evaluations from an empty context; a warm-up, then r repetitions; median, min, max) taken
// through node-llama-cpp, which bundles a prebuilt llama.cpp. Prints one JSON object on stdout.
// usage: node llamacpp-bench.mjs MODEL.gguf THREADS P N REPS
import {getLlama} from "node-llama-cpp";

const [modelPath, threadsArg, pArg, nArg, repsArg] = process.argv.slice(2);
if (!modelPath) {
  console.error("usage: node llamacpp-bench.mjs MODEL.gguf THREADS P N REPS");
  process.exit(2);
}
const threads = +threadsArg, p = +pArg, n = +nArg, reps = +repsArg;
for (const [name, v, min] of [["threads", threads, 1], ["p", p, 1], ["n", n, 1], ["reps", reps, 1]]) {
  if (!Number.isInteger(v) || v < min) {
    console.error(`llamacpp-bench: ${name} must be an integer >= ${min}, got ${v}`);
    process.exit(2);
  }
}

const llama = await getLlama({gpu: false, build: "never", maxThreads: 0, logLevel: "error"});
const model = await llama.loadModel({modelPath, gpuLayers: 0, useMmap: true});
const context = await model.createContext({contextSize: p + n + 16, batchSize: p, threads, flashAttention: false});
const vocabTokens = model.fileInfo.metadata?.tokenizer?.ggml?.tokens;
const vocabSize = Array.isArray(vocabTokens) ? vocabTokens.length : 1100;
const first = Math.min(100, vocabSize >> 2), vocab = Math.max(1, Math.min(1000, vocabSize - first)); // ids in the vocabulary

const ppRuns = [], tgRuns = [];
for (let r = 0; r <= reps; r++) {               // run 0 is the warm-up
  const seq = context.getSequence();
  const prompt = Array.from({length: p}, (_, i) => first + ((i * 7919 + r) % vocab));
  let t0 = process.hrtime.bigint();
  await seq.evaluateWithoutGeneratingNewTokens(prompt);
  const ppSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  await seq.clearHistory();
  t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await seq.evaluateWithoutGeneratingNewTokens([first + ((i * 31 + r) % vocab)]);
  const tgSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  seq.dispose();
  if (r > 0) {
    ppRuns.push(p / ppSeconds);
    tgRuns.push(n / tgSeconds);
  }
}
const median = a => {
  const s = [...a].sort((x, y) => x - y), m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const round = v => Math.round(v * 100) / 100;
console.log(JSON.stringify({
  engine: "llama.cpp (node-llama-cpp)",
  llama_cpp_release: llama.llamaCppRelease?.release ?? null,
  system_info: llama.systemInfo,
  threads,
  n_prompt: p,
  n_gen: n,
  repetitions: reps,
  pp_tokens_per_s: round(median(ppRuns)),
  pp_min: round(Math.min(...ppRuns)),
  pp_max: round(Math.max(...ppRuns)),
  tg_tokens_per_s: round(median(tgRuns)),
  tg_min: round(Math.min(...tgRuns)),
  tg_max: round(Math.max(...tgRuns)),
}));
await context.dispose();
await model.dispose();
process.exit(0);
