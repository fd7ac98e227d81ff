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
        ProcessShape.of(args).systemProperties().forEach(System::setProperty);
        Quarkus.run(Main.class, args);
    }

    @Override
    public int run(String... args) {
        CommandLine cli = new CommandLine(RqSweeperCommand.class, factory).setCaseInsensitiveEnumValuesAllowed(true);
        CliErrors.install(cli);
        return cli.execute(args);
    }
}
