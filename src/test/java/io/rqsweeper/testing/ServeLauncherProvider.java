package io.rqsweeper.testing;

import io.quarkus.runtime.logging.LogRuntimeConfig;
import io.quarkus.test.common.ArtifactLauncher;
import io.quarkus.test.common.DefaultJarLauncher;
import io.quarkus.test.common.DefaultNativeImageLauncher;
import io.quarkus.test.common.ListeningAddress;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.launcher.ArtifactLauncherProvider;
import io.quarkus.test.junit.launcher.JarLauncherProvider;
import io.quarkus.test.junit.launcher.NativeImageLauncherProvider;
import io.smallrye.config.SmallRyeConfig;
import org.eclipse.microprofile.config.ConfigProvider;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the Quarkus test framework launches the packaged application (jar or native executable) for the integration
 * tests; registered in {@code META-INF/services}, ahead of Quarkus's own providers on the test class path.
 *
 * <p>{@code rq-sweeper serve} needs its command on the command line: the process shape (HTTP port, scheduler) is
 * chosen from the raw arguments before Quarkus starts. Quarkus 3.33's launchers start a
 * {@code @QuarkusIntegrationTest}'s artifact with no program arguments ({@code DefaultJarLauncher.start()} and
 * {@code DefaultNativeImageLauncher.start()} pass an empty array; {@code QuarkusTestProfile.commandLineParameters()}
 * reaches only {@code @QuarkusTest}), and rq-sweeper without a command exits with a usage error. So for a class
 * annotated {@link ServeUnderTest}, this provider takes Quarkus's own launcher for the artifact and starts it with
 * {@code serve --redis-url <a fresh redis-server>}; everything else (JVM or native flags, the log file, the AOT
 * recording, stopping the process) stays Quarkus's.
 *
 * <p>With {@code quarkus.package.jar.aot.enabled}, Quarkus's jar launcher records an AOT configuration in every
 * launch and builds {@code quarkus-app/app.aot} from the last one when a {@code @QuarkusIntegrationTest}'s
 * application stops. Only the serve launch records here: it starts the application, sweeps real jobs and answers
 * health and metrics requests, which covers the one-shot commands' start-up too, while the one-shot launches of the
 * {@code @QuarkusMainIntegrationTest} twins keep their normal speed (recording adds seconds to each).
 */
public class ServeLauncherProvider implements ArtifactLauncherProvider {
    private static final Pattern LISTENING = Pattern.compile("Listening on: https?://[^\\s:]+:(\\d+)");
    private static volatile RedisServer redis;
    private static volatile Path log;
    private static volatile ServeLauncher current;

    /** The redis-server the current {@link ServeUnderTest} process sweeps. */
    public static RedisServer redis() {
        if (redis == null) {
            throw new IllegalStateException("no serve process was started: annotate the class with @ServeUnderTest");
        }
        return redis;
    }

    /** Everything the current {@link ServeUnderTest} process has logged (Quarkus's launchers log to a file). */
    public static String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Stops the current {@link ServeUnderTest} process and its redis-server now, from the test class's
     * {@code @AfterAll}: Quarkus would stop it only when the next {@code @QuarkusIntegrationTest} class needs another
     * application, or at the end of the run, and it would go on sweeping while the other integration tests run.
     * With {@code quarkus.package.jar.aot.enabled}, {@code app.aot} is written here.
     */
    public static void stop() throws IOException {
        if (current != null) {
            current.close();
        }
    }

    @Override
    public boolean supportsArtifactType(String type, String testProfile) {
        return type.equals("native") || type.endsWith("jar");
    }

    @Override
    public ArtifactLauncher<?> create(CreateContext context) {
        boolean isNative = context.quarkusArtifactProperties().getProperty("type").equals("native");
        ServeUnderTest serve = context.testClass().getAnnotation(ServeUnderTest.class);
        if (isNative) {
            ArtifactLauncher<?> launcher = new NativeImageLauncherProvider().create(context);
            return serve == null ? launcher : new ServeLauncher(launcher, serve);
        }
        if (serve == null) {
            // Quarkus's jar launcher records an AOT configuration only for classes without a test profile.
            return new JarLauncherProvider().create(new WithoutAotRecording(context));
        }
        return new ServeLauncher(new JarLauncherProvider().create(context), serve);
    }

    /** Marks a launch that must not record an AOT configuration; never applied to the application. */
    public static final class NoAotRecording implements QuarkusTestProfile {
    }

    private record WithoutAotRecording(CreateContext context) implements CreateContext {
        @Override
        public Properties quarkusArtifactProperties() {
            return context.quarkusArtifactProperties();
        }

        @Override
        public Path buildOutputDirectory() {
            return context.buildOutputDirectory();
        }

        @Override
        public Class<?> testClass() {
            return context.testClass();
        }

        @Override
        public Class<? extends QuarkusTestProfile> profile() {
            return NoAotRecording.class;
        }

        @Override
        public ArtifactLauncher.InitContext.DevServicesLaunchResult devServicesLaunchResult() {
            return context.devServicesLaunchResult();
        }
    }

    /** Quarkus's launcher, started as {@code serve} against a fresh redis-server. */
    private static final class ServeLauncher implements ArtifactLauncher<ArtifactLauncher.InitContext> {
        private final ArtifactLauncher<?> quarkus;
        private final ServeUnderTest settings;
        private boolean closed;

        ServeLauncher(ArtifactLauncher<?> quarkus, ServeUnderTest settings) {
            this.quarkus = quarkus;
            this.settings = settings;
        }

        @Override
        public void init(InitContext context) {
            // Quarkus's provider has initialised the launcher this one starts.
        }

        @Override
        public Optional<ListeningAddress> start() throws IOException {
            current = this;
            redis = RedisServer.start();
            log = ConfigProvider.getConfig().unwrap(SmallRyeConfig.class).getConfigMapping(LogRuntimeConfig.class)
                    .file().path().toPath();
            quarkus.includeAsSysProps(Map.of("rq-sweeper.schedule.every", settings.every()));
            String[] args = {"serve", "--redis-url", redis.url()};
            if (quarkus instanceof DefaultJarLauncher jar) {
                jar.start(args, true);
            } else if (quarkus instanceof DefaultNativeImageLauncher executable) {
                executable.start(args, true);
            } else {
                throw new IllegalStateException("unexpected Quarkus launcher " + quarkus.getClass().getName());
            }
            long deadline = System.currentTimeMillis() + 60_000;
            int port = -1;
            while (port < 0 || ServeProcess.status(port, "/q/health/started") != 200) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("serve did not start within 60 s:\n" + (Files.exists(log) ? log() : ""));
                }
                Matcher m = LISTENING.matcher(Files.exists(log) ? log() : "");
                port = m.find() ? Integer.parseInt(m.group(1)) : -1;
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(e);
                }
            }
            return Optional.of(new ListeningAddress(port, "http"));
        }

        @Override
        public LaunchResult runToCompletion(String[] args) {
            return quarkus.runToCompletion(args);
        }

        @Override
        public void includeAsSysProps(Map<String, String> systemProps) {
            quarkus.includeAsSysProps(systemProps);
        }

        @Override
        public synchronized void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            try {
                quarkus.close();
            } finally {
                if (redis != null) {
                    redis.close();
                }
            }
        }
    }
}
