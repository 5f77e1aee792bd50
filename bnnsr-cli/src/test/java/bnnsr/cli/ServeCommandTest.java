package bnnsr.cli;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;

import static bnnsr.cli.EvalCommandTest.assertOneLineError;
import static bnnsr.cli.EvalCommandTest.run;

/** {@code bnnsr serve}'s options and start-up errors (the server itself: bnnsr.serve.ServeApiTest). */
class ServeCommandTest {
    @Test void badOptionsAreOneLine() {
        assertOneLineError(run("serve", "--port", "70000"), 2, "--port");
        assertOneLineError(run("serve", "--queue", "-1"), 2, "--queue");
        assertOneLineError(run("serve", "--workers", "0"), 2, "--workers");
        assertOneLineError(run("serve", "--timeout", "0"), 2, "--timeout");
        assertOneLineError(run("serve", "--max-upload-mb", "0"), 2, "--max-upload-mb");
        assertOneLineError(run("serve", "--port", "0", "--model", "no-such.safetensors"), 2, "no such model file");
    }

    @Test void aPortInUseIsOneLine() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertOneLineError(run("serve", "--port", String.valueOf(taken.getLocalPort())), 2, "cannot listen on 127.0.0.1:" + taken.getLocalPort());
        }
    }
}
