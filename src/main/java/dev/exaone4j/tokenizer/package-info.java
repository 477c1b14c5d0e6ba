/**
 * Text to token ids and back. {@link dev.exaone4j.tokenizer.Tokenizers} builds a
 * {@link dev.exaone4j.tokenizer.Tokenizer} from GGUF metadata (byte-level BPE {@code gpt2} with the pre-tokenizer named
 * by {@code tokenizer.ggml.pre}, SentencePiece-style {@code llama}) or from a Hugging Face {@code tokenizer.json}
 * (BPE/WordLevel models, normalizers, pre-tokenizers, post-processors, decoders, added tokens), with exact Hugging Face
 * parity: Oniguruma regexes are either run by hand-written linear scanners (the GPT-2 family of split patterns) or
 * translated to {@link java.util.regex} with Oniguruma's Unicode class meanings. Streaming decoding never emits half a
 * UTF-8 character. Unsupported components are rejected by name.
 */
package dev.exaone4j.tokenizer;
