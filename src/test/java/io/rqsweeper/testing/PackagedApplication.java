package io.rqsweeper.testing;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

/**
 * The packaged application, found as the Quarkus test framework finds it for the {@code @QuarkusMainIntegrationTest}
 * twins: {@code target/quarkus-artifact.properties}, written by the last build, gives its {@code type} ({@code jar},
 * or {@code native} after {@code -Dnative}) and its {@code path}. So the tests that start processes themselves run
 * the same artifact as the twins, and never a native binary left over from an earlier build.
 */
public final class PackagedApplication {
    private static final Path TARGET = Path.of("target");

    private PackagedApplication() {
    }

    /** The command that runs it: the native executable, or {@code java -jar} on the tests' own JVM. */
    public static List<String> command() {
        Properties artifact = artifactProperties();
        String type = artifact.getProperty("type", "");
        Path path = TARGET.resolve(artifact.getProperty("path", ""));
        if (type.equals("native")) {
            if (!Files.isExecutable(path)) {
                throw new IllegalStateException("the last build made a native executable, but " + path + " is not one");
            }
            return List.of(path.toAbsolutePath().toString());
        }
        if (type.endsWith("jar") && Files.isRegularFile(path)) {
            return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                    path.toAbsolutePath().toString());
        }
        throw new IllegalStateException("target/quarkus-artifact.properties names no runnable artifact (type '" + type
                + "', path " + path + "); run the integration tests with ./mvnw verify");
    }

    /** Whether the last build made a native executable. */
    public static boolean isNative() {
        return artifactProperties().getProperty("type", "").equals("native");
    }

    private static Properties artifactProperties() {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(TARGET.resolve("quarkus-artifact.properties"))) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("no packaged application: run the integration tests with ./mvnw verify", e);
        }
        return p;
    }
}
