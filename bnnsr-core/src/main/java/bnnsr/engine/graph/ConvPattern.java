package bnnsr.engine.graph;

import java.util.List;
import java.util.Map;

/**
 * A full-precision conv and the nodes after it that a {@link ConvStep} runs in the conv's epilogue:
 * <pre>
 *   Conv(x) -> c;  PixelShuffle(c) -> s;  Activation(s) -> out      (MSRResNet's upsampler)
 *   Conv(x) -> c;  PixelShuffle(c) -> out
 *   Conv(x) -> c;  Activation(c) -> out                             (r = 1: conv_first, conv_hr, FP bodies)
 * </pre>
 * each intermediate tensor read by the next node only and not the graph's output (else it must exist whole).
 *
 * @param act   the activation, or null
 * @param nodes how many graph nodes the step spans
 */
record ConvPattern(Node.Conv conv, int r, Node.Activation act, String out, int nodes) {
    /** The fusable conv at node {@code i}, or null (not a conv, or nothing to fuse). */
    static ConvPattern match(List<Node> g, int i, Map<String, Integer> readers) {
        if (!(g.get(i) instanceof Node.Conv c)) return null;
        String t = c.out();
        int j = i + 1, r = 1;
        if (at(g, j) instanceof Node.PixelShuffle ps && ps.in().equals(t) && single(readers, t) && c.cout() % (ps.r() * ps.r()) == 0) {
            r = ps.r();
            t = ps.out();
            j++;
        }
        Node.Activation act = null;
        if (at(g, j) instanceof Node.Activation a && a.in().equals(t) && single(readers, t)) {
            act = a;
            t = a.out();
            j++;
        }
        return j == i + 1 ? null : new ConvPattern(c, r, act, t, j - i);
    }

    private static Node at(List<Node> g, int i) { return i < g.size() ? g.get(i) : null; }

    /** Read by one node only, and not the graph's output (which must exist). */
    private static boolean single(Map<String, Integer> readers, String t) {
        return readers.getOrDefault(t, 0) == 1 && !t.equals(PackedModel.OUTPUT);
    }
}
