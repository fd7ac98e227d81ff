package io.rqsweeper.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * One installed RQ version the tests run real workers of: RQ 1.13 from Debian's python3-rq, RQ 2.x from the
 * virtualenvs made by scripts/install-test-deps.sh. Which versions run is the system property
 * {@code rq.versions} (e.g. {@code 2.12} for a quick run).
 */
public record RqInstall(String version, Path python, Path rq) {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path PYTHON_DIR = Path.of("src/test/python").toAbsolutePath();

    public static List<RqInstall> selected() {
        return Arrays.stream(System.getProperty("rq.versions", "1.13,2.10,2.12").split(","))
                .map(String::trim).filter(v -> !v.isEmpty()).map(RqInstall::of).toList();
    }

    /** The newest of the selected versions, for tests that need one real RQ rather than each. */
    public static RqInstall latest() {
        List<RqInstall> versions = selected();
        return versions.get(versions.size() - 1);
    }

    public static RqInstall of(String version) {
        RqInstall install = switch (version) {
            case "1.13" -> new RqInstall(version, Path.of("/usr/bin/python3"), Path.of("/usr/bin/rq"));
            case "2.10", "2.12" -> {
                Path venv = Path.of(".venvs/rq-" + version + ".0").toAbsolutePath();
                yield new RqInstall(version, venv.resolve("bin/python"), venv.resolve("bin/rq"));
            }
            default -> throw new IllegalArgumentException("no RQ " + version + " install known to the tests");
        };
        if (!Files.isExecutable(install.rq())) {
            throw new IllegalStateException(install.rq() + " missing: run scripts/install-test-deps.sh");
        }
        return install;
    }

    public boolean isV2() {
        return version.startsWith("2.");
    }

    public Map<String, String> env() {
        return Map.of("PYTHONPATH", PYTHON_DIR.toString());
    }

    /** Runs one rqctl.py command (RQ's own API) and returns its JSON answer. */
    public JsonNode ctl(String redisUrl, String command, Object args) {
        try {
            String out = Processes.run(List.of(python.toString(), PYTHON_DIR.resolve("rqctl.py").toString(), redisUrl,
                    command, JSON.writeValueAsString(args == null ? Map.of() : args)), env());
            return JSON.readTree(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return "RQ " + version;
    }
}
