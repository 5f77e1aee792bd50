package bnnsr.engine.graph;

import java.util.List;
import java.util.Map;

/**
 * The nodes the exporter writes for one BBCU unit, found in a graph so they can run as one {@link UnitStep}:
 * <pre>
 *   BinaryConv(x) -> c;  RPReLU(c) -> a;  Add(a, x) -> out                                       (r = 1)
 *   BinaryConv(x) -> c;  RPReLU(c) -> a;  PixelShuffle(a) -> s;  Nearest(x) -> n;  Add(s, n) -> out   (r > 1)
 * </pre>
 * with a plain-sign binary conv (one source, no statistic, +-1 levels, no residual) and every intermediate tensor
 * read by the next node only (else it must exist whole).
 *
 * @param nodes how many graph nodes the unit spans
 */
record UnitPattern(Node.BinaryConv conv, Node.RPReLU act, int r, String out, int nodes) {
    /** The unit starting at node {@code i}, or null. */
    static UnitPattern match(List<Node> g, int i, Map<String, Integer> readers) {
        if (!(g.get(i) instanceof Node.BinaryConv b) || b.residual() != null || b.sources().size() != 1 || b.statistic() || b.levels()) return null;
        String x = b.sources().getFirst();
        if (!(at(g, i + 1) instanceof Node.RPReLU act) || !act.in().equals(b.out()) || !single(readers, b.out())) return null;
        if (at(g, i + 2) instanceof Node.Add add && b.cout() == b.cin() && operands(add, act.out(), x) && single(readers, act.out()))
            return new UnitPattern(b, act, 1, add.out(), 3);
        if (at(g, i + 2) instanceof Node.PixelShuffle ps && ps.in().equals(act.out()) && single(readers, act.out())
                && b.cout() == b.cin() * ps.r() * ps.r()
                && at(g, i + 3) instanceof Node.Nearest near && near.in().equals(x) && near.scale() == ps.r()
                && at(g, i + 4) instanceof Node.Add add && operands(add, ps.out(), near.out())
                && single(readers, ps.out()) && single(readers, near.out()))
            return new UnitPattern(b, act, ps.r(), add.out(), 5);
        return null;
    }

    private static Node at(List<Node> g, int i) { return i < g.size() ? g.get(i) : null; }

    private static boolean single(Map<String, Integer> readers, String t) { return readers.getOrDefault(t, 0) == 1; }

    /** The add of exactly {u, v} (float addition commutes bit for bit, so either order). */
    private static boolean operands(Node.Add add, String u, String v) {
        return add.a().equals(u) && add.b().equals(v) || add.a().equals(v) && add.b().equals(u);
    }
}
