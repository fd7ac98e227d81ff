package io.rqsweeper.cli;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** Defaults for the command-line options; each can be set in application.properties or the environment. */
@ConfigMapping(prefix = "rq-sweeper")
public interface SweeperConfig {

    Redis redis();

    Sweep sweep();

    interface Redis {
        /**
         * Bound on connecting and on each command. Short, so an unreachable Redis never holds up a deploy;
         * raise it for a Redis across a slow link.
         */
        @WithDefault("5s")
        Duration timeout();
    }

    interface Sweep {
        /**
         * A started job older than this whose worker is provably gone is abandoned even before its heartbeat
         * lapses. A bare number means minutes.
         */
        @WithDefault("10m")
        String maxAge();

        /**
         * Clock-skew allowance between worker hosts and Redis: a heartbeat counts as lapsed only this long
         * after its score. Too small risks failing a job whose worker's clock runs late.
         */
        @WithDefault("30s")
        Duration margin();
    }
}
