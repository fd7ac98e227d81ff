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

    /**
     * A setting Quarkus reads during start-up that would make it fail with a stack trace: the HTTP port of
     * {@code serve} ({@code quarkus.http.port}, {@code QUARKUS_HTTP_PORT}). Null when there is none.
     */
    public String startupProblem(Map<String, String> env, java.util.Properties properties) {
        if (this != SERVER) {
            return null;
        }
        String property = properties.getProperty("quarkus.http.port");
        String name = property != null ? "quarkus.http.port" : "QUARKUS_HTTP_PORT";
        String value = property != null ? property : env.get("QUARKUS_HTTP_PORT");
        if (value == null) {
            return null;
        }
        try {
            int port = Integer.parseInt(value.trim());
            if (port >= 0 && port <= 65535) {
                return null;
            }
        } catch (NumberFormatException e) {
            // the message below
        }
        return name + ": '" + value + "' is not a port (0 to 65535)";
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
