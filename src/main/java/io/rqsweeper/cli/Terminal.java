package io.rqsweeper.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Whether a standard stream is a terminal, for output meant for people watching one. */
final class Terminal {
    private Terminal() {
    }

    static boolean isTerminal(int fd) {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }

    /** Terminals show user data; keep control characters (escape sequences) out of what we print. */
    static String printable(String s) {
        return s == null ? null : s.replaceAll("\\p{Cntrl}", "?");
    }
}
