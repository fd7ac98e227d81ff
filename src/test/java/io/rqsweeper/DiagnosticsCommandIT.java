package io.rqsweeper;

import io.quarkus.test.junit.main.QuarkusMainIntegrationTest;

/** The same command-line contract, run against the packaged application (jar, or native binary). */
@QuarkusMainIntegrationTest
class DiagnosticsCommandIT extends DiagnosticsCommandTest {
}
