package dev.switchboard.jmh.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The machine and JDK the benchmarks ran on: CPU model (from {@code /proc/cpuinfo}), cores,
 * memory (from {@code /proc/meminfo}), operating system and JDK. Fields it cannot find read
 * {@code unknown}.
 *
 * <p>Immutable.
 *
 * @param cpu the CPU model
 * @param cores the processors available to the JVM
 * @param memory the total memory, e.g. {@code 23.4 GiB}
 * @param os the operating system, distribution and kernel
 * @param jdk the JDK vendor, name and version
 */
public record MachineInfo(String cpu, int cores, String memory, String os, String jdk) {
  private static final String UNKNOWN = "unknown";

  /** Returns the machine this JVM runs on. */
  public static MachineInfo detect() {
    return new MachineInfo(detectCpu(), Runtime.getRuntime().availableProcessors(),
        detectMemory(), detectOs(),
        System.getProperty("java.vendor", UNKNOWN) + " " + System.getProperty("java.vm.name", "")
            + " " + System.getProperty("java.runtime.version",
                System.getProperty("java.version", UNKNOWN)));
  }

  private static String detectCpu() {
    return lines(Path.of("/proc/cpuinfo")).stream()
        .filter(line -> line.startsWith("model name"))
        .map(line -> line.substring(line.indexOf(':') + 1).trim())
        .findFirst().orElse(UNKNOWN);
  }

  private static String detectMemory() {
    return lines(Path.of("/proc/meminfo")).stream()
        .filter(line -> line.startsWith("MemTotal:"))
        .map(line -> line.replaceAll("[^0-9]", ""))
        .filter(kb -> !kb.isEmpty())
        .map(kb -> String.format(Locale.ROOT, "%.1f GiB", Long.parseLong(kb) / 1024.0 / 1024.0))
        .findFirst().orElse(UNKNOWN);
  }

  private static String detectOs() {
    String kernel = System.getProperty("os.name", UNKNOWN) + " "
        + System.getProperty("os.version", "") + " " + System.getProperty("os.arch", "");
    Optional<String> distribution = lines(Path.of("/etc/os-release")).stream()
        .filter(line -> line.startsWith("PRETTY_NAME="))
        .map(line -> line.substring("PRETTY_NAME=".length()).replace("\"", ""))
        .findFirst();
    return distribution.map(name -> name + ", " + kernel.trim()).orElse(kernel.trim());
  }

  private static List<String> lines(Path file) {
    try {
      return Files.readAllLines(file);
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
  }

  /** Returns this as a JSON object. */
  ObjectNode toJson() {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("cpu", cpu).put("cores", cores).put("memory", memory).put("os", os).put("jdk", jdk);
    return node;
  }

  /** Reads what {@link #toJson()} wrote; missing fields read {@code unknown}. */
  static MachineInfo fromJson(JsonNode node) {
    return new MachineInfo(node.path("cpu").asText(UNKNOWN), node.path("cores").asInt(0),
        node.path("memory").asText(UNKNOWN), node.path("os").asText(UNKNOWN),
        node.path("jdk").asText(UNKNOWN));
  }
}
