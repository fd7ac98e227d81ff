package io.rqsweeper.cli;

import io.rqsweeper.sweep.SweepOptions.Action;
import picocli.CommandLine;

import java.util.Arrays;
import java.util.Iterator;

/** Reads {@code --action} by its lower-case name. */
public class ActionConverter implements CommandLine.ITypeConverter<Action> {
    @Override
    public Action convert(String value) {
        for (Action a : Action.values()) {
            if (a.code().equalsIgnoreCase(value)) {
                return a;
            }
        }
        throw new CommandLine.TypeConversionException("unknown action '" + value + "' (expected one of: "
                + String.join(", ", new Candidates()) + ")");
    }

    public static class Candidates implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Arrays.stream(Action.values()).map(Action::code).iterator();
        }
    }
}
