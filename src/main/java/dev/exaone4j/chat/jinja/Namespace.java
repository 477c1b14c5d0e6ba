package dev.exaone4j.chat.jinja;

import java.util.LinkedHashMap;
import java.util.Map;

/** jinja2's {@code namespace(...)}: a mutable attribute bag that {@code {% set ns.x = ... %}} can write from any scope. */
final class Namespace {
    final Map<String, Object> attrs = new LinkedHashMap<>();
}
