package dev.switchboard.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Enforces the module rule of the design: main code never imports another module's
 * {@code ...internal} packages (users are told not to, and neither do we). Benchmarks in
 * {@code jmh/} are exempt: they measure internals on purpose.
 */
class ModuleBoundariesTest {
  private static final Pattern INTERNAL_IMPORT =
      Pattern.compile("^import (?:static )?(dev\\.switchboard\\.[a-z.]+?)\\.internal\\.",
          Pattern.MULTILINE);
  /** Each library module and the package its own code lives in. */
  private static final Map<String, String> MODULES = Map.of(
      "rpc-core", "dev.switchboard.rpc",
      "loadbalance", "dev.switchboard.loadbalance",
      "discovery-zk", "dev.switchboard.discovery.zk",
      "spring-boot-starter", "dev.switchboard.spring.boot",
      "examples", "dev.switchboard.examples");

  @Test
  void mainCodeImportsNoOtherModulesInternals() throws IOException {
    Path root = Path.of("..").toAbsolutePath().normalize();
    List<String> violations = new ArrayList<>();
    int files = 0;
    for (Map.Entry<String, String> module : MODULES.entrySet()) {
      Path sources = root.resolve(module.getKey()).resolve("src/main/java");
      try (Stream<Path> paths = Files.walk(sources)) {
        for (Path file : paths.filter(p -> p.toString().endsWith(".java")).toList()) {
          files++;
          Matcher matcher = INTERNAL_IMPORT.matcher(read(file));
          while (matcher.find()) {
            if (!matcher.group(1).equals(module.getValue())) {
              violations.add(root.relativize(file) + " imports " + matcher.group(1)
                  + ".internal");
            }
          }
        }
      }
    }

    assertThat(files).as("source files scanned").isGreaterThan(100);
    assertThat(violations).isEmpty();
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
