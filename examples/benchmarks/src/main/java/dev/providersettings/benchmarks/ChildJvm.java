package dev.providersettings.benchmarks;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a harness's {@code main} in a child JVM (its own heap settings, so that heap figures are its own) with this
 * JVM's class path and Postgres server, and collects the result lines it writes to a file named by its last argument.
 */
final class ChildJvm {
    private ChildJvm() {
    }

    /**
     * @param name       part of the result file's name
     * @param jvmOptions heap and GC options of the child
     * @param mainClass  the harness; its {@code main} gets {@code args} and then the result file
     * @return the lines the child wrote, plus a line naming its exit code if it failed
     */
    static List<String> run(String name, List<String> jvmOptions, Class<?> mainClass, String... args) throws Exception {
        Path out = Files.createTempFile("bench-" + name, ".txt");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-D" + BenchEnvironment.URL_PROPERTY + "=" + System.getProperty(BenchEnvironment.URL_PROPERTY, ""));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass.getName()));
        command.addAll(List.of(args));
        command.add(out.toString());
        int exit = new ProcessBuilder(command).inheritIO().start().waitFor();
        List<String> lines = new ArrayList<>(Files.readAllLines(out, StandardCharsets.UTF_8));
        Files.deleteIfExists(out);
        if (exit != 0) {
            lines.add("child JVM failed with exit code " + exit + " (see its output above)");
        }
        return lines;
    }
}
