package dev.exaone4j.safetensors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.exaone4j.gguf.GgufFormatException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Hugging Face model folder: {@code config.json} plus {@code model.safetensors} or the shards listed by
 * {@code model.safetensors.index.json}. Every tensor the index names must exist in the shard it names.
 */
public final class HfCheckpoint implements AutoCloseable {
    private final Path dir;
    private final JsonNode config;
    private final List<SafetensorsFile> files;
    private final Map<String, SafetensorsFile.Entry> tensors;

    private HfCheckpoint(Path dir, JsonNode config, List<SafetensorsFile> files, Map<String, SafetensorsFile.Entry> tensors) {
        this.dir = dir;
        this.config = config;
        this.files = files;
        this.tensors = tensors;
    }

    public static boolean isCheckpointDir(Path p) {
        return Files.isDirectory(p) && Files.isRegularFile(p.resolve("config.json"));
    }

    public static JsonNode readJson(Path p) {
        try {
            JsonNode n = new ObjectMapper().readTree(p.toFile());
            if (n == null || !n.isObject()) throw new GgufFormatException(p + ": expected a JSON object");
            return n;
        } catch (IOException e) {
            throw new GgufFormatException(p + ": not valid JSON: " + e.getMessage(), e);
        }
    }

    public static HfCheckpoint open(Path dir) {
        Path cfgPath = dir.resolve("config.json");
        if (!Files.isRegularFile(cfgPath)) throw new GgufFormatException(dir + ": not a Hugging Face model folder (config.json is missing)");
        JsonNode config = readJson(cfgPath);
        List<SafetensorsFile> files = new ArrayList<>();
        Map<String, SafetensorsFile.Entry> tensors = new LinkedHashMap<>();
        try {
            Path index = dir.resolve("model.safetensors.index.json");
            Path single = dir.resolve("model.safetensors");
            if (Files.isRegularFile(index)) {
                JsonNode map = readJson(index).get("weight_map");
                if (map == null || !map.isObject()) throw new GgufFormatException(index + ": has no weight_map object");
                Map<String, String> wanted = new LinkedHashMap<>();
                Set<String> shardNames = new LinkedHashSet<>();
                for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    String shard = e.getValue().asText();
                    if (shard.contains("/") || shard.contains("\\") || shard.startsWith(".")) throw new GgufFormatException(index + ": shard name '" + shard + "' is not a plain file name");
                    wanted.put(e.getKey(), shard);
                    shardNames.add(shard);
                }
                Map<String, SafetensorsFile> opened = new LinkedHashMap<>();
                for (String s : shardNames) {
                    Path sp = dir.resolve(s);
                    if (!Files.isRegularFile(sp)) throw new GgufFormatException(index + ": shard '" + s + "' is missing from " + dir);
                    SafetensorsFile f = SafetensorsFile.open(sp);
                    files.add(f);
                    opened.put(s, f);
                }
                for (Map.Entry<String, String> w : wanted.entrySet()) {
                    SafetensorsFile.Entry en = opened.get(w.getValue()).entries().get(w.getKey());
                    if (en == null) throw new GgufFormatException(dir.resolve(w.getValue()) + ": tensor '" + w.getKey() + "' listed in the index is missing from this shard");
                    tensors.put(w.getKey(), en);
                }
            } else if (Files.isRegularFile(single)) {
                SafetensorsFile f = SafetensorsFile.open(single);
                files.add(f);
                tensors.putAll(f.entries());
            } else {
                throw new GgufFormatException(dir + ": neither model.safetensors nor model.safetensors.index.json exists");
            }
        } catch (RuntimeException e) {
            files.forEach(SafetensorsFile::close);
            throw e;
        }
        return new HfCheckpoint(dir, config, files, tensors);
    }

    public Path dir() { return dir; }
    public JsonNode config() { return config; }
    public Map<String, SafetensorsFile.Entry> tensors() { return tensors; }

    public SafetensorsFile.Entry tensor(String name) {
        return tensors.get(name);
    }

    public long totalBytes() {
        long n = 0;
        for (SafetensorsFile.Entry e : tensors.values()) n += e.data().byteSize();
        return n;
    }

    @Override
    public void close() {
        files.forEach(SafetensorsFile::close);
    }
}
