package dev.providersettings.examples.quickstart;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The top README's quickstart is code that compiles and runs: the same lines, in the same order, as
 * {@link Quickstart} (which {@code QuickstartTest} runs), so it cannot use a variable it does not define.
 */
class ReadmeQuickstartTest {

    /** Code lines without indentation, blank lines or trailing {@code //} comments (none of its strings holds "//"). */
    private static List<String> code(List<String> lines) {
        return lines.stream()
                .map(line -> line.contains("//") ? line.substring(0, line.indexOf("//")) : line)
                .map(String::strip)
                .filter(line -> !line.isEmpty())
                .toList();
    }

    @Test
    void theReadmeQuickstartIsTheRunnableQuickstartVerbatim() throws IOException {
        Path readme = Path.of("..", "README.md");
        assertThat(readme).as("run from the examples module directory").exists();
        List<String> lines = Files.readAllLines(readme);
        int section = lines.indexOf("## Quickstart");
        assertThat(section).as("README has a Quickstart section").isNotNegative();
        int start = lines.subList(section, lines.size()).indexOf("```java") + section + 1;
        int end = lines.subList(start, lines.size()).indexOf("```") + start;
        List<String> snippet = code(lines.subList(start, end));
        List<String> source = code(Files.readAllLines(
                Path.of("src/main/java/dev/providersettings/examples/quickstart/Quickstart.java")));

        assertThat(snippet).as("the README's Java block").isNotEmpty();
        assertThat(Collections.indexOfSubList(source, snippet))
                .as("README quickstart lines %s must appear, in order, in Quickstart.java", snippet)
                .isNotNegative();
    }
}
