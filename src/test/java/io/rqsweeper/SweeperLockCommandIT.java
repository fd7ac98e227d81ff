package io.rqsweeper;

import io.quarkus.test.junit.main.QuarkusMainIntegrationTest;

/** The same tests, run against the packaged application (the jar, or the native executable after -Dnative). */
@QuarkusMainIntegrationTest
class SweeperLockCommandIT extends SweeperLockCommandTest {
}
