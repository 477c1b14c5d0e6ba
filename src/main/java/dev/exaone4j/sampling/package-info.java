/** Choosing the next token from logits: greedy, temperature, top-k, top-p, min-p, penalties, seeded RNG. */
package dev.exaone4j.sampling;
