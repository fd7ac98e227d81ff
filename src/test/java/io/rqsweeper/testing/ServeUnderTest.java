package io.rqsweeper.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * On a {@code @QuarkusIntegrationTest} class: the Quarkus test framework starts the packaged application as
 * {@code rq-sweeper serve} against a redis-server of its own ({@link ServeLauncherProvider}), instead of with no
 * arguments. The test reaches that Redis with {@link ServeLauncherProvider#redis()} and the process's output with
 * {@link ServeLauncherProvider#log()}; REST Assured is pointed at serve's port.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface ServeUnderTest {
    /** {@code rq-sweeper.schedule.every} of the process. */
    String every() default "2s";
}
