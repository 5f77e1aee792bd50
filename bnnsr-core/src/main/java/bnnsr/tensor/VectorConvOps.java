package bnnsr.tensor;

import java.util.Arrays;
import java.util.Objects;

import static bnnsr.tensor.ConvKernels.L;
import static bnnsr.tensor.ConvKernels.MAX_TILE;
import static bnnsr.tensor.ConvKernels.OUTER_ROWS;
import static bnnsr.tensor.ConvKernels.OUTER_TAIL;

/**
 * The fast convolution kernels: direct NHWC convolution with the Vector API (no im2col), output rows split over
 * {@link Parallel}. How each kernel is shaped:
 * <ul>
 * <li>forward: tiles of a few output pixels x up to 4 vectors of output channels held in registers; per (tap,
 * input channel) the tile loads its weight vectors once and broadcasts one input scalar per pixel. When there
 * are very few output channels (RGB output) vectors run along the input channels instead.</li>
 * <li>backward-input: the forward kernel applied to dy with the flipped, transposed kernel.</li>
 * <li>backward-weight: rank-1 updates of a per-chunk private gradient, summed over the pixels of each row, then
 * reduced over chunks in a fixed order, so results depend only on the thread count.</li>
 * </ul>
 * Borders come from zero-padded row copies ({@link PaddedRows}); buffers live in per-thread workspaces that grow
 * to the largest layer seen, so steady-state calls allocate nothing.
 */
public final class VectorConvOps implements ConvOps {

    /** Buffers of the calling thread: packed weights and bias, per-chunk partial gradients. */
    private static final class Workspace {
        float[] weights = new float[0], flipped = new float[0], bias = new float[0];
        float[][] dw = new float[0][], db = new float[0][];
    }

    /** Buffers of a thread that runs one chunk of rows. */
    private static final class RowScratch {
        final PaddedRows in = new PaddedRows(), grad = new PaddedRows();
        int[] rowOff = new int[0];
        float[] out = new float[0], part = new float[12 * L], piece = new float[0];
    }

    /** Floats in a cache line (64 bytes). */
    private static final int LINE = 16;
    /**
     * The most floats of output a {@link #forwardEpilogue} piece holds (128 KB): the piece, the input rows it reads
     * and the weights stay in the 1 MB L2 per core of the Zen 5 this was written on until the epilogue reads them.
     */
    static final int PIECE_FLOATS = 32 << 10;

    private final ThreadLocal<Workspace> workspaces = ThreadLocal.withInitial(Workspace::new);
    private final ThreadLocal<RowScratch> scratches = ThreadLocal.withInitial(RowScratch::new);

    private final int pieceFloats;

    /** @throws LinkageError when the JVM runs without the jdk.incubator.vector module */
    public VectorConvOps() { this(PIECE_FLOATS); }

    /**
     * With {@link #forwardEpilogue}'s pieces of at most {@code pieceFloats} floats (at least two tiles wide
     * whatever this says): tests reach many pieces per row on small images with small values.
     */
    public VectorConvOps(int pieceFloats) {
        Objects.requireNonNull(ConvKernels.S);  // loads the Vector API now, not at the first convolution
        if (pieceFloats < 1) throw new IllegalArgumentException("piece floats must be >= 1, got " + pieceFloats);
        this.pieceFloats = pieceFloats;
    }

    @Override public void forward(Tensor x, float[] w, float[] bias, int k, Tensor y) {
        checkGeometry(x, y, k, w, "forward");
        if (bias != null && bias.length < y.c) throw new IllegalArgumentException("bias shorter than " + y.c);
        conv(workspaces.get(), x, w, bias, k, y.c, y.data, 0, null, 0, x.n * x.h);
    }

    @Override public void forwardRows(Tensor x, float[] w, float[] bias, int k, Tensor y, int rowFrom, int rowTo) {
        checkGeometry(x, y, k, w, "forward");
        if (bias != null && bias.length < y.c) throw new IllegalArgumentException("bias shorter than " + y.c);
        if (x.n != 1 || rowFrom < 0 || rowTo > x.h || rowFrom > rowTo) throw new IllegalArgumentException("rows " + rowFrom + ".." + rowTo + " of " + x.shape());
        conv(workspaces.get(), x, w, bias, k, y.c, y.data, 0, null, rowFrom, rowTo);
    }

    @Override public void forwardRowsInto(Tensor x, float[] w, float[] bias, int k, int cout, float[] out, int shift, int rowFrom, int rowTo) {
        checkKernel(x.c, cout, k, w, "forward");
        if (bias != null && bias.length < cout) throw new IllegalArgumentException("bias shorter than " + cout);
        if (x.n != 1 || rowFrom < 0 || rowTo > x.h || rowFrom > rowTo) throw new IllegalArgumentException("rows " + rowFrom + ".." + rowTo + " of " + x.shape());
        Tensor.checkShiftedRows("rows", rowFrom, rowTo, shift, (long) x.w * cout, out.length);
        if (out == x.data) throw new IllegalArgumentException("forward: input and output share their data");
        conv(workspaces.get(), x, w, bias, k, cout, out, shift, null, rowFrom, rowTo);
    }

    /**
     * Each output row in pieces of at most {@link #PIECE_FLOATS} (but at least two tiles wide) into a per-thread
     * buffer, handed to the epilogue as soon as computed: the same tiles and kernels as {@link #forward} (a
     * pixel's value does not depend on where its tile starts), so the same floats.
     */
    @Override public void forwardEpilogue(Tensor x, float[] w, float[] bias, int k, int cout, int rowFrom, int rowTo, RowEpilogue epilogue) {
        checkKernel(x.c, cout, k, w, "forward");
        if (bias != null && bias.length < cout) throw new IllegalArgumentException("bias shorter than " + cout);
        if (rowFrom < 0 || rowTo > x.n * x.h || rowFrom > rowTo) throw new IllegalArgumentException("rows " + rowFrom + ".." + rowTo + " of " + x.shape());
        conv(workspaces.get(), x, w, bias, k, cout, null, 0, epilogue, rowFrom, rowTo);
    }

    @Override public void backwardInput(Tensor dy, float[] w, int k, Tensor dx) {
        checkGeometry(dx, dy, k, w, "backwardInput");
        Workspace ws = workspaces.get();
        int cin = dx.c, cout = dy.c, taps = k * k;
        // dx = conv(dy, w') with w'[tap][co][ci] = w[taps - 1 - tap][ci][co]: tap (ky, kx) mirrors to (k-1-ky, k-1-kx)
        float[] f = ws.flipped = grow(ws.flipped, taps * cin * cout);
        for (int tap = 0; tap < taps; tap++) {
            int src = (taps - 1 - tap) * cin * cout, dst = tap * cout * cin;
            for (int ci = 0; ci < cin; ci++)
                for (int co = 0; co < cout; co++) f[dst + co * cin + ci] = w[src + ci * cout + co];
        }
        conv(ws, dy, f, null, k, dx.c, dx.data, 0, null, 0, dy.n * dy.h);
    }

    @Override public void backwardWeight(Tensor x, Tensor dy, int k, float[] dw, float[] db) {
        checkGeometry(x, dy, k, dw, "backwardWeight");
        if (db != null && db.length < dy.c) throw new IllegalArgumentException("db shorter than " + dy.c);
        Workspace ws = workspaces.get();
        int cin = x.c, cout = dy.c, taps = k * k;
        // Broadcast side a (padded to whole tiles) x vector side b (padded to whole vectors): pick the less waste.
        boolean byInput = roundUp(cin, OUTER_TAIL) * roundUp(cout, L) <= roundUp(cout, OUTER_TAIL) * roundUp(cin, L);
        int aP = roundUp(byInput ? cin : cout, OUTER_TAIL), bP = roundUp(byInput ? cout : cin, L);
        int rows = x.n * x.h, chunks = Math.min(Parallel.threads(), rows), size = taps * aP * bP;
        if (ws.dw.length < chunks) { ws.dw = Arrays.copyOf(ws.dw, chunks); ws.db = Arrays.copyOf(ws.db, chunks); }
        // Threads write their own partials all the time: pad each array past a cache line so no two share one.
        for (int t = 0; t < chunks; t++) { ws.dw[t] = grow(ws.dw[t], size + LINE); ws.db[t] = grow(ws.db[t], cout + LINE); }
        Parallel.forRange(chunks, chunks, (from, to) -> {
            for (int t = from; t < to; t++)
                weightChunk(x, dy, k, byInput, aP, bP, ws.dw[t], db == null ? null : ws.db[t],
                        Chunks.start(rows, chunks, t), Chunks.start(rows, chunks, t + 1));
        });
        for (int tap = 0; tap < taps; tap++)
            for (int ci = 0; ci < cin; ci++)
                for (int co = 0; co < cout; co++) {
                    int i = (tap * aP + (byInput ? ci : co)) * bP + (byInput ? co : ci);
                    float s = ws.dw[0][i];
                    for (int t = 1; t < chunks; t++) s += ws.dw[t][i];
                    dw[(tap * cin + ci) * cout + co] = s;
                }
        if (db != null)
            for (int co = 0; co < cout; co++) {
                float s = ws.db[0][co];
                for (int t = 1; t < chunks; t++) s += ws.db[t][co];
                db[co] = s;
            }
    }

    // ---- forward (and backward-input) ----

    /**
     * y = conv(x, w HWIO) + bias, choosing the kernel family by channel counts. Output row r (stacked) goes to
     * {@code out[(r + shift) * x.w * cout ..]}, or when {@code epilogue} is not null (out null) to it in pieces.
     */
    private void conv(Workspace ws, Tensor x, float[] w, float[] bias, int k, int cout, float[] out, int shift, RowEpilogue epilogue, int rowFrom, int rowTo) {
        int cin = x.c, taps = k * k, rows = rowTo - rowFrom;
        boolean dot = cout <= 8 && cin > cout;
        int coP;
        float[] wts;
        if (dot) {
            coP = roundUp(cout, cout >= 3 ? 3 : 1);
            int inS = roundUp(cin, L), tapsS = taps * inS;
            wts = ws.weights = grow(ws.weights, coP * tapsS);
            Arrays.fill(wts, 0, coP * tapsS, 0f);
            for (int tap = 0; tap < taps; tap++)
                for (int ci = 0; ci < cin; ci++)
                    for (int co = 0; co < cout; co++) wts[co * tapsS + tap * inS + ci] = w[(tap * cin + ci) * cout + co];
        } else {
            // Per block of up to 4 vectors of output channels: [tap][ci][block width], zero-padded to whole vectors.
            coP = roundUp(cout, L);
            wts = ws.weights = grow(ws.weights, taps * cin * coP);
            for (int co0 = 0; co0 < coP; ) {
                int width = blockWidth(coP, co0), valid = Math.min(width, cout - co0), off = taps * cin * co0;
                for (int r = 0; r < taps * cin; r++, off += width) {
                    System.arraycopy(w, r * cout + co0, wts, off, valid);
                    Arrays.fill(wts, off + valid, off + width, 0f);
                }
                co0 += width;
            }
        }
        float[] b = ws.bias = grow(ws.bias, coP);
        Arrays.fill(b, 0, coP, 0f);
        if (bias != null) System.arraycopy(bias, 0, b, 0, cout);
        int chunks = Math.min(Parallel.threads(), rows);
        float[] weights = wts;
        Parallel.forRange(rows, chunks, (from, to) -> forwardRows(dot, x, weights, coP, b, k, cout, out, shift, epilogue, rowFrom + from, rowFrom + to));
    }

    private void forwardRows(boolean dot, Tensor x, float[] wts, int coP, float[] bias, int k, int cout, float[] out, int shift, RowEpilogue epilogue, int r0, int r1) {
        RowScratch s = scratches.get();
        int p = k / 2, h = x.h, w = x.w;
        int inS = dot ? roundUp(x.c, L) : x.c;
        // A 1x1 kernel reads x in place when no tile can run past a row's end and no channel padding is needed.
        boolean inPlace = k == 1 && w >= MAX_TILE && inS == x.c;
        if (!inPlace) s.in.reset(x, k, p, inS, MAX_TILE);
        if (s.rowOff.length < k) s.rowOff = new int[k];
        s.out = grow(s.out, MAX_TILE * 4 * L);
        float[] in = inPlace ? x.data : s.in.data();
        int pieces = epilogue == null ? 1 : pieces(w, cout, pieceFloats);
        if (epilogue != null) s.piece = grow(s.piece, (w + pieces - 1) / pieces * cout);
        for (int r = r0; r < r1; r++) {
            int n = r / h, oy = r % h;
            int kyLo = Math.max(0, p - oy), kyHi = Math.min(k, h + p - oy);
            for (int ky = kyLo; ky < kyHi; ky++) s.rowOff[ky] = inPlace ? r * w * inS : s.in.row(n, oy + ky - p);
            if (epilogue == null) {
                row(dot, new Row(in, s.rowOff, kyLo, kyHi, k, inS, out, (r + shift) * w * cout, 0, w, cout, s.out), x.c, wts, coP, bias, s.part);
                continue;
            }
            for (int i = 0; i < pieces; i++) {
                int x0 = (int) ((long) w * i / pieces), x1 = (int) ((long) w * (i + 1) / pieces);
                // the piece's pixel x0 at offset 0
                row(dot, new Row(in, s.rowOff, kyLo, kyHi, k, inS, s.piece, -x0 * cout, x0, x1, cout, s.out), x.c, wts, coP, bias, s.part);
                epilogue.rows(s.piece, 0, r, x0, x1);
            }
        }
    }

    private static void row(boolean dot, Row row, int cin, float[] wts, int coP, float[] bias, float[] part) {
        if (dot) dotRow(row, wts, coP, bias, part);
        else tileRow(row, cin, wts, coP, bias);
    }

    /**
     * Pieces per row of a {@link #forwardEpilogue}: enough for pieces of {@code pieceFloats}, but each at least two
     * of the widest tiles wide, so that no tile of a piece starts before it or reads past the padded row's end.
     */
    private static int pieces(int w, int cout, int pieceFloats) {
        long wanted = ((long) w * cout + pieceFloats - 1) / pieceFloats;
        return (int) Math.max(1, Math.min(wanted, w / (2 * MAX_TILE)));
    }

    /** One output row's operands: its pixels [x0, x1), pixel px's outputs at {@code y[yRow + px * cout + c]}. */
    private record Row(float[] in, int[] rowOff, int kyLo, int kyHi, int k, int inS,
                       float[] y, int yRow, int x0, int x1, int cout, float[] scratch) {

        /**
         * Runs {@code kernel} over the pixels in tiles of {@code pixels} (the last tile moved back to end at x1,
         * overlapping its neighbour) for the block of {@code chans} channels from {@code co0}, of which
         * {@code coValid} exist. Tiles write straight into y, unless the block has padding channels or the span is
         * narrower than a tile (only a whole row can be): then they go to the scratch tile and their valid part is
         * copied.
         */
        void tiles(int pixels, int co0, int chans, int coValid, TileKernel kernel) {
            int span = x1 - x0;
            boolean direct = coValid == chans && span >= pixels;
            int count = Math.min(pixels, span);
            for (int ox = x0; ; ox = Math.min(ox + pixels, x1 - pixels)) {
                if (direct) {
                    kernel.run(ox * inS, y, yRow + ox * cout + co0, cout);
                } else {
                    kernel.run(ox * inS, scratch, 0, chans);
                    for (int j = 0; j < count; j++)
                        System.arraycopy(scratch, j * chans, y, yRow + (ox + j) * cout + co0, coValid);
                }
                if (ox >= x1 - pixels) break;
            }
        }
    }

    /** A micro-kernel bound to one channel block: computes the tile at px0 into out[outOff + j * outS + c]. */
    @FunctionalInterface
    private interface TileKernel { void run(int px0, float[] out, int outOff, int outS); }

    private static void tileRow(Row r, int cin, float[] wt, int coP, float[] bias) {
        int taps = r.k * r.k, steps = r.k * cin;
        for (int co0 = 0; co0 < coP; ) {
            int width = blockWidth(coP, co0), v = width / L, first = co0, wOff = taps * cin * co0;
            r.tiles(v == 4 ? 6 : v == 3 ? 8 : 12, co0, width, Math.min(r.cout - co0, width), (px0, out, off, outS) -> {
                for (int ky = r.kyLo; ky < r.kyHi; ky++)
                    tile(v, r.in, r.rowOff[ky] + px0, cin, steps, wt, wOff + ky * steps * width, ky == r.kyLo, bias,
                            first, out, off, outS);
            });
            co0 += width;
        }
    }

    private static void tile(int v, float[] in, int i0, int inS, int steps, float[] wt, int w0, boolean first,
                             float[] bias, int co0, float[] out, int outOff, int outS) {
        switch (v) {
            case 4 -> ConvKernels.tile6x4(in, i0, inS, steps, wt, w0, first, bias, co0, out, outOff, outS);
            case 3 -> ConvKernels.tile8x3(in, i0, inS, steps, wt, w0, first, bias, co0, out, outOff, outS);
            case 2 -> ConvKernels.tile12x2(in, i0, inS, steps, wt, w0, first, bias, co0, out, outOff, outS);
            default -> ConvKernels.tile12x1(in, i0, inS, steps, wt, w0, first, bias, co0, out, outOff, outS);
        }
    }

    private static void dotRow(Row r, float[] wr, int coP, float[] bias, float[] part) {
        int c = coP % 3 == 0 ? 3 : 1, steps = r.k * r.inS, tapsS = r.k * steps;
        for (int co0 = 0; co0 < r.cout; co0 += c) {
            int first = co0;
            r.tiles(c == 3 ? 4 : 8, co0, c, Math.min(r.cout - co0, c), (px0, out, off, outS) -> {
                for (int ky = r.kyLo; ky < r.kyHi; ky++) {
                    int i0 = r.rowOff[ky] + px0, w0 = first * tapsS + ky * steps;
                    boolean begin = ky == r.kyLo, end = ky == r.kyHi - 1;
                    if (c == 3) ConvKernels.dot4x3(r.in, i0, r.inS, steps, wr, w0, tapsS, part, begin, end, bias, first, out, off, outS);
                    else ConvKernels.dot8x1(r.in, i0, r.inS, steps, wr, w0, tapsS, part, begin, end, bias, first, out, off, outS);
                }
            });
        }
    }

    // ---- backward-weight ----

    /**
     * Accumulates rows [r0, r1) into a private gradient acc[tap][a][b] (a: broadcast side, b: vector side; a is
     * the input channel when {@code byInput}, else the output channel) and db.
     */
    private void weightChunk(Tensor x, Tensor dy, int k, boolean byInput, int aP, int bP, float[] acc, float[] db,
                             int r0, int r1) {
        RowScratch s = scratches.get();
        int p = k / 2, h = x.h, w = x.w, cout = dy.c, xS = byInput ? aP : bP, gS = byInput ? bP : aP;
        Arrays.fill(acc, 0, k * k * aP * bP, 0f);
        if (db != null) Arrays.fill(db, 0, cout, 0f);
        boolean xDirect = k == 1 && xS == x.c, gDirect = gS == cout;  // no padding needed: read the tensors in place
        if (!xDirect) s.in.reset(x, k, p, xS, 0);
        if (!gDirect) s.grad.reset(dy, 1, 0, gS, 0);
        for (int r = r0; r < r1; r++) {
            int n = r / h, oy = r % h, dyRow = r * w * cout;
            float[] g = gDirect ? dy.data : s.grad.data();
            int gOff = gDirect ? dyRow : s.grad.row(n, oy);
            for (int ky = Math.max(0, p - oy), kyHi = Math.min(k, h + p - oy); ky < kyHi; ky++) {
                int xRow = xDirect ? r * w * xS : s.in.row(n, oy + ky - p);
                float[] xs = xDirect ? x.data : s.in.data();
                for (int kx = 0; kx < k; kx++) {
                    int tapOff = (ky * k + kx) * aP * bP, xOff = xRow + kx * xS;
                    for (int a0 = 0; a0 < aP; ) {
                        int rows = aP - a0 >= OUTER_ROWS ? OUTER_ROWS : OUTER_TAIL;
                        for (int b0 = 0; b0 < bP; ) {
                            int v = Math.min(4, (bP - b0) / L), accOff = tapOff + a0 * bP + b0;
                            if (byInput) outer(rows, v, xs, xOff + a0, xS, g, gOff + b0, gS, w, acc, accOff, bP);
                            else outer(rows, v, g, gOff + a0, gS, xs, xOff + b0, xS, w, acc, accOff, bP);
                            b0 += v * L;
                        }
                        a0 += rows;
                    }
                }
            }
            if (db != null)
                for (int px = 0; px < w; px++) VectorMath.accumulate(dy.data, dyRow + px * cout, db, 0, cout);
        }
    }

    private static void outer(int rows, int v, float[] a, int aOff, int aS, float[] b, int bOff, int bS, int npix,
                              float[] acc, int accOff, int ld) {
        if (rows == OUTER_ROWS) {
            switch (v) {
                case 4 -> ConvKernels.outer6x4(a, aOff, aS, b, bOff, bS, npix, acc, accOff, ld);
                case 3 -> ConvKernels.outer6x3(a, aOff, aS, b, bOff, bS, npix, acc, accOff, ld);
                case 2 -> ConvKernels.outer6x2(a, aOff, aS, b, bOff, bS, npix, acc, accOff, ld);
                default -> ConvKernels.outer6x1(a, aOff, aS, b, bOff, bS, npix, acc, accOff, ld);
            }
        } else {
            switch (v) {
                case 4 -> ConvKernels.outer3x4(a, aOff, aS, b, bOff, bS, npix, acc, accOff, ld);
                case 3 -> ConvKernels.outer3x3(a, aOff, aS, b, bOff, bS, npix, acc, accOff, ld);
                case 2 -> ConvKernels.outer3x2(a, aOff, aS, b, bOff, bS, npix, acc, accOff, ld);
                default -> ConvKernels.outer3x1(a, aOff, aS, b, bOff, bS, npix, acc, accOff, ld);
            }
        }
    }

    // ---- helpers ----

    private static void checkGeometry(Tensor x, Tensor y, int k, float[] w, String op) {
        checkKernel(x.c, y.c, k, w, op);
        if (x.n != y.n || x.h != y.h || x.w != y.w)
            throw new IllegalArgumentException(op + ": spatial shapes differ: " + x.shape() + " vs " + y.shape());
        if (x.data == y.data) throw new IllegalArgumentException(op + ": input and output share their data");
    }

    private static void checkKernel(int cin, int cout, int k, float[] w, String op) {
        if (k < 1 || k % 2 == 0) throw new IllegalArgumentException(op + ": kernel size must be odd, got " + k);
        if (w.length < k * k * cin * cout)
            throw new IllegalArgumentException(op + ": weights shorter than " + k + "x" + k + "x" + cin + "x" + cout);
    }

    /** Channels in the output block starting at co0: 4 vectors, or the vectors left. */
    private static int blockWidth(int coP, int co0) { return Math.min(4 * L, coP - co0); }

    private static int roundUp(int v, int m) { return (v + m - 1) / m * m; }

    private static float[] grow(float[] a, int size) { return a != null && a.length >= size ? a : new float[size]; }

    /** The first row of chunk i of k over n rows: the same split as {@link Parallel#forRange}. */
}
