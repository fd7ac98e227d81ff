package io.rqsweeper.cli;

/** The few exit codes of every command; documented in --help and the README. */
public final class ExitCodes {
    /** Done; also when Redis was unavailable without --strict, so a deploy is never blocked. */
    public static final int OK = 0;
    /** --strict and Redis unavailable or a job could not be handled; or an unexpected failure. */
    public static final int FAILURE = 1;
    /** Bad command line: unknown option, bad value, bad URL. */
    public static final int USAGE = 2;
    /**
     * The diagnostics could not reach Redis (or read what they needed), so they cannot answer: {@code status --check},
     * {@code inspect}, {@code workers}.
     */
    public static final int UNANSWERED = 3;

    public static final String HELP = """
            Exit codes:
              0  done (also when Redis is unavailable: a warning, nothing changed, deploy not blocked)
              1  --strict and Redis unavailable or a per-job error; or an unexpected failure
              2  usage error (bad option, value or URL)""";

    private ExitCodes() {
    }
}
