/**
 * Running models over sequences: the generation loop (prefill, decode, stop conditions, timing) and, for the
 * server, scheduling of many sequences.
 */
package dev.exaone4j.engine;
