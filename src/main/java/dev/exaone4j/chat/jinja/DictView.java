package dev.exaone4j.chat.jinja;

import java.util.List;

/** {@code dict.keys()}, {@code values()}, {@code items()}: sized, iterable, not indexable; prints as {@code dict_keys([...])}. */
record DictView(String kind, List<Object> items) {
}
