package dev.providersettings.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Runs the command line in-process through picocli and keeps everything it printed, for the secret scan. */
final class CliRunner {
    /** What one run returned and printed. */
    record Result(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
        }
    }

    private final Map<String, String> environment = new HashMap<>();
    private final List<String> commonArgs = new ArrayList<>();
    private final StringBuilder transcript = new StringBuilder();

    CliRunner env(String name, String value) {
        environment.put(name, value);
        return this;
    }

    CliRunner commonArgs(String... args) {
        commonArgs.addAll(List.of(args));
        return this;
    }

    Result run(String... args) {
        return runWithStdin("", args);
    }

    Result runWithStdin(String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> all = new ArrayList<>(List.of(args));
        // common options after the command name(s), as inherited options
        int insertAt = 0;
        while (insertAt < all.size() && !all.get(insertAt).startsWith("-")) {
            insertAt++;
        }
        all.addAll(insertAt, commonArgs);
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = ProviderSettingsCli.execute(all.toArray(String[]::new), environment,
                    new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), o, e, false);
        }
        Result result = new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        transcript.append(result.out()).append('\n').append(result.err()).append('\n');
        return result;
    }

    /** Everything every run printed on stdout and stderr. */
    String transcript() {
        return transcript.toString();
    }
}
