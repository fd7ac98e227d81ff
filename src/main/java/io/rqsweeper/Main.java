package io.rqsweeper;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import io.rqsweeper.cli.RqSweeperCommand;
import io.rqsweeper.cli.CliErrors;
import jakarta.inject.Inject;
import picocli.CommandLine;

/**
 * Entry point. The process shape (HTTP port, scheduler) is decided from the raw arguments before Quarkus
 * starts, because Quarkus binds its port during start-up, long before picocli parses anything.
 */
@QuarkusMain
public class Main implements QuarkusApplication {

    @Inject
    CommandLine.IFactory factory;

    public static void main(String... args) {
        ProcessShape shape = ProcessShape.of(args);
        String problem = shape.startupProblem(System.getenv(), System.getProperties());
        if (problem != null) {
            // Quarkus would fail to start with a stack trace; this is a usage error like any bad setting.
            System.err.println("rq-sweeper: " + problem);
            System.err.println("See 'rq-sweeper serve --help'.");
            System.exit(2);
        }
        shape.systemProperties().forEach(System::setProperty);
        Quarkus.run(Main.class, args);
    }

    @Override
    public int run(String... args) {
        CommandLine cli = new CommandLine(RqSweeperCommand.class, factory).setCaseInsensitiveEnumValuesAllowed(true);
        CliErrors.install(cli);
        boolean verbose = java.util.Arrays.asList(args).contains("--verbose");
        if (verbose) {
            System.setProperty(CliErrors.VERBOSE, "true");
        }
        try {
            return cli.execute(args);
        } finally {
            if (verbose) {
                System.clearProperty(CliErrors.VERBOSE);
            }
        }
    }
}
