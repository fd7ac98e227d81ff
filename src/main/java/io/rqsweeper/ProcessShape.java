package io.rqsweeper;

import java.util.Map;

/**
 * What kind of process the arguments ask for. One-shot commands ({@code sweep}, later {@code status} …)
 * must start fast, bind no port and run no scheduler, so a deploy pipeline is never blocked by a port
 * clash; only {@code serve} is a long-running server. {@code application.properties} holds the one-shot
 * defaults; this only switches them on for {@code serve}.
 */
public enum ProcessShape {
    ONE_SHOT, SERVER;

    /**
     * The shape for these arguments: the first argument that is not an option names the command. Asking for
     * help or the version is one-shot even for {@code serve}: it prints and exits, and must not need the port.
     */
    public static ProcessShape of(String... args) {
        for (String arg : args) {
            if (arg.equals("-h") || arg.equals("--help") || arg.equals("-V") || arg.equals("--version")) {
                return ONE_SHOT;
            }
        }
        for (String arg : args) {
            if (arg.startsWith("-")) {
                continue;
            }
            return "serve".equals(arg) ? SERVER : ONE_SHOT;
        }
        return ONE_SHOT;
    }

    /** System properties to set before Quarkus starts. */
    public Map<String, String> systemProperties() {
        return switch (this) {
            case SERVER -> Map.of(
                    "quarkus.http.host-enabled", "true",
                    "quarkus.scheduler.enabled", "true",
                    "quarkus.log.category.\"io.quarkus\".level", "INFO");
            case ONE_SHOT -> Map.of(
                    "quarkus.http.host-enabled", "false",
                    "quarkus.scheduler.enabled", "false");
        };
    }
}
