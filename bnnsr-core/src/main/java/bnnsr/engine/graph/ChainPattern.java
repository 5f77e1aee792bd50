package bnnsr.engine.graph;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A chain of binary convs whose intermediate tensors nothing outside the chain reads, found in a graph so it can run
 * as one {@link ChainStep}: BSRN's LB block as the exporter writes it,
 * <pre>
 *   BinaryConv[x](x) -> c1;  [ReLU(c1) -> t1;]  BinaryConv[x, t1](x, t1) -> c2;  [ReLU(c2) -> t2;]
 *   BinaryConv[x, t1, t2] + residual -> c3;  [Add(c3, other) -> out]
 * </pre>
 * The first conv reads only the chain's input {@code x} (any kernel size: the chain's halo); the others are 1x1
 * convs whose sources are x or earlier members' outputs (after their ReLU), so a band of output rows needs no
 * rows of the intermediates beyond its own. The last conv has a residual (a tensor outside the chain) and may
 * take the add that alone reads its output. All convs are C -> C with +-1 inputs ({@code levels} false) and the
 * same {@code statistic}.
 *
 * @param members the convs in order; {@code sources[i]} of a member: 0 for x, j for member j-1's output
 * @param nodes   how many graph nodes the chain spans
 */
record ChainPattern(List<Member> members, String x, String addend, String out, int nodes) {
    /** One conv of the chain: the ReLU after it runs in its epilogue. */
    record Member(Node.BinaryConv conv, boolean relu, int[] sources) {}

    /** The chain starting at node {@code i} (at least two convs), or null. */
    static ChainPattern match(List<Node> g, int i, Map<String, Integer> readers) {
        if (!(g.get(i) instanceof Node.BinaryConv first) || first.sources().size() != 1 || first.residual() != null) return null;
        String x = first.sources().getFirst();
        Map<String, Integer> index = new HashMap<>(Map.of(x, 0));
        Map<String, Integer> inside = new HashMap<>();      // reads of intermediates by the chain's own nodes
        List<String> intermediates = new ArrayList<>();
        List<Member> members = new ArrayList<>();
        int j = i;
        while (true) {
            if (!(at(g, j) instanceof Node.BinaryConv b) || !fits(b, first) || (j > i && b.k() != 1)) return null;
            int[] src = new int[b.sources().size()];
            for (int s = 0; s < src.length; s++) {
                Integer k = index.get(b.sources().get(s));
                if (k == null) return null;
                src[s] = k;
                if (k > 0) inside.merge(b.sources().get(s), 1, Integer::sum);
            }
            j++;
            if (b.residual() != null) {
                if (members.isEmpty() || index.containsKey(b.residual()) && !b.residual().equals(x)) return null;
                members.add(new Member(b, false, src));
                String out = b.out(), addend = null;
                if (at(g, j) instanceof Node.Add a && readers.getOrDefault(out, 0) == 1 && (a.a().equals(out) != a.b().equals(out))) {
                    addend = a.a().equals(out) ? a.b() : a.a();
                    if (index.containsKey(addend) && !addend.equals(x)) return null;
                    out = a.out();
                    j++;
                }
                for (String t : intermediates) if (readers.getOrDefault(t, 0) != inside.getOrDefault(t, 0)) return null;
                return new ChainPattern(List.copyOf(members), x, addend, out, j - i);
            }
            String out = b.out();
            boolean relu = at(g, j) instanceof Node.Activation a && a.slope() == 0f && a.in().equals(out);
            intermediates.add(out);
            if (relu) {
                inside.merge(out, 1, Integer::sum);
                out = g.get(j).out();
                intermediates.add(out);
                j++;
            }
            members.add(new Member(b, relu, src));
            index.put(out, members.size());
        }
    }

    /** C -> C like the first conv, +-1 inputs, the same statistic. */
    private static boolean fits(Node.BinaryConv b, Node.BinaryConv first) {
        return b.cin() == first.cin() && b.cout() == first.cin() && !b.levels() && b.statistic() == first.statistic();
    }

    private static Node at(List<Node> g, int i) { return i < g.size() ? g.get(i) : null; }
}
