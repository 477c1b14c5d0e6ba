/**
 * Text to token ids and back: byte-level BPE and SentencePiece-style vocabularies read from GGUF, Hugging Face
 * {@code tokenizer.json} (normalizers, pre-tokenizers, post-processors, decoders, added tokens), and
 * streaming decoding that never emits half a UTF-8 character.
 */
package dev.exaone4j.tokenizer;
