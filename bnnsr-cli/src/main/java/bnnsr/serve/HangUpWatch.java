package bnnsr.serve;

import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Notices a client hanging up while its job waits or runs. Jetty reads nothing from an HTTP/1.1 connection between
 * the end of a request's body and the end of its response, so a closed socket goes unseen (the request's failure
 * listeners fire only on idle timeout). Here the connection is watched for readability: end of stream means the
 * client left and the job is cancelled. The upscale responses are sent with {@code Connection: close}, so no
 * pipelined request can be on that connection for the watch to consume, and Jetty never needs its read interest
 * back (it closes the connection after the response).
 */
final class HangUpWatch {
    private HangUpWatch() {}

    static void watch(Request request, UpscaleJob job) {
        EndPoint ep = request.getConnectionMetaData().getConnection().getEndPoint();
        arm(ep, job);
    }

    private static void arm(EndPoint ep, UpscaleJob job) {
        if (job.result.isDone()) return;
        ep.tryFillInterested(Callback.from(() -> readable(ep, job), failure -> hungUp(job)));
    }

    private static void readable(EndPoint ep, UpscaleJob job) {
        if (job.result.isDone()) return;
        try {
            ByteBuffer sink = BufferUtil.allocate(256);
            int n = ep.fill(sink);
            if (n < 0) hungUp(job);
            else arm(ep, job);          // bytes after the request (ignored: the connection closes after the response)
        } catch (IOException e) {
            hungUp(job);
        }
    }

    private static void hungUp(UpscaleJob job) {
        if (!job.result.isDone()) job.cancel(499, "client closed the connection");
    }
}
