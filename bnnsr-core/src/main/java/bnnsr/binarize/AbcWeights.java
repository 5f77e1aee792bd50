package bnnsr.binarize;

import bnnsr.nn.Param;

/**
 * ABC-Net weights: W ~ sum_m alpha_m B_m with binary bases B_m = Sign(W - mean(W) + u_m std(W)), u_m in
 * {-1, 0, 1} by default, and alpha the least-squares solution of min ||W - sum_m alpha_m B_m||^2.
 * <p>
 * Statistics and coefficients are per layer by default (the ABC-Net paper works on the whole W); per output
 * channel is an option. std is the population standard deviation. The normal equations get a ridge of
 * {@link #RIDGE} times the group size on the diagonal, so coincident bases (e.g. a constant filter) stay solvable.
 * <p>
 * Gradient: each base passes the gradient straight through to W (ABC-Net's STE, unclipped), and alpha is
 * differentiated exactly as the least-squares solution with the bases held fixed:
 * dL/dW_j = sum_m alpha_m g_j + sum_m q_m B_m[j], with q = G^-1 h, h_m = sum_j g_j B_m[j], G the Gram matrix.
 * Away from the sign boundaries the second term is the true derivative of the forward.
 */
public final class AbcWeights implements WeightBinarizer {
    public static final double RIDGE = 1e-6;
    public static final float[] DEFAULT_SHIFTS = {-1f, 0f, 1f};

    private final Param latent;
    private final float[] shifts;
    private final int groups, groupSize, m;
    private final boolean perChannel;
    /** Bases of the last forward, [m][size], entries +-1. */
    private final float[][] bases;
    /** Per group: alpha[m], and the inverse Gram matrix G^-1[m][m] (for the backward). */
    private final double[][] alpha, gramInv;

    public AbcWeights(Param latent, boolean perChannel, float[] shifts) {
        this.latent = latent;
        this.shifts = shifts.clone();
        this.m = shifts.length;
        this.perChannel = perChannel;
        this.groups = perChannel ? latent.shape[0] : 1;
        this.groupSize = latent.size() / groups;
        this.bases = new float[m][latent.size()];
        this.alpha = new double[groups][m];
        this.gramInv = new double[groups][m * m];
    }

    public AbcWeights(Param latent) { this(latent, false, DEFAULT_SHIFTS); }

    @Override public void forward(float[] out) {
        float[] w = latent.value;
        for (int gi = 0; gi < groups; gi++) {
            int from = gi * groupSize, to = from + groupSize;
            double mean = 0, var = 0;
            for (int j = from; j < to; j++) mean += w[j];
            mean /= groupSize;
            for (int j = from; j < to; j++) var += (w[j] - mean) * (w[j] - mean);
            double std = Math.sqrt(var / groupSize);
            for (int b = 0; b < m; b++)
                for (int j = from; j < to; j++) bases[b][j] = Sign.of((float) (w[j] - mean + shifts[b] * std));
            double[] gram = new double[m * m], rhs = new double[m];
            for (int a = 0; a < m; a++) {
                for (int j = from; j < to; j++) rhs[a] += bases[a][j] * (double) w[j];
                for (int b = 0; b < m; b++) {
                    double s = 0;
                    for (int j = from; j < to; j++) s += bases[a][j] * bases[b][j];
                    gram[a * m + b] = s + (a == b ? RIDGE * groupSize : 0);
                }
            }
            invert(gram, m, gramInv[gi]);
            for (int a = 0; a < m; a++) {
                double s = 0;
                for (int b = 0; b < m; b++) s += gramInv[gi][a * m + b] * rhs[b];
                alpha[gi][a] = s;
            }
            for (int j = from; j < to; j++) {
                double s = 0;
                for (int b = 0; b < m; b++) s += alpha[gi][b] * bases[b][j];
                out[j] = (float) s;
            }
        }
    }

    @Override public void backward(float[] g) {
        float[] gw = latent.grad;
        for (int gi = 0; gi < groups; gi++) {
            int from = gi * groupSize, to = from + groupSize;
            double alphaSum = 0;
            double[] h = new double[m], q = new double[m];
            for (int b = 0; b < m; b++) {
                alphaSum += alpha[gi][b];
                for (int j = from; j < to; j++) h[b] += g[j] * bases[b][j];
            }
            for (int a = 0; a < m; a++)
                for (int b = 0; b < m; b++) q[a] += gramInv[gi][a * m + b] * h[b];
            for (int j = from; j < to; j++) {
                double s = alphaSum * g[j];
                for (int b = 0; b < m; b++) s += q[b] * bases[b][j];
                gw[j] += (float) s;
            }
        }
    }

    /** Coefficients of the last forward: [group][base]. */
    public double[][] alphas() {
        double[][] c = new double[groups][];
        for (int i = 0; i < groups; i++) c[i] = alpha[i].clone();
        return c;
    }

    /** Base b of the last forward (OIHW, entries +-1). */
    public float[] base(int b) { return bases[b].clone(); }

    public boolean perChannel() { return perChannel; }

    @Override public int bases() { return m; }

    @Override public Param latent() { return latent; }

    @Override public String kind() { return "abc" + m + (perChannel ? "/channel" : "/layer"); }

    /** Gauss-Jordan inverse of a small symmetric positive definite matrix (the ridge keeps it so). */
    static void invert(double[] a, int n, double[] inv) {
        double[] t = a.clone();
        java.util.Arrays.fill(inv, 0);
        for (int i = 0; i < n; i++) inv[i * n + i] = 1;
        for (int c = 0; c < n; c++) {
            int p = c;
            for (int r = c + 1; r < n; r++) if (Math.abs(t[r * n + c]) > Math.abs(t[p * n + c])) p = r;
            swapRows(t, n, c, p);
            swapRows(inv, n, c, p);
            double d = t[c * n + c];
            for (int k = 0; k < n; k++) { t[c * n + k] /= d; inv[c * n + k] /= d; }
            for (int r = 0; r < n; r++) {
                if (r == c) continue;
                double f = t[r * n + c];
                if (f == 0) continue;
                for (int k = 0; k < n; k++) { t[r * n + k] -= f * t[c * n + k]; inv[r * n + k] -= f * inv[c * n + k]; }
            }
        }
    }

    private static void swapRows(double[] a, int n, int r1, int r2) {
        if (r1 == r2) return;
        for (int k = 0; k < n; k++) { double x = a[r1 * n + k]; a[r1 * n + k] = a[r2 * n + k]; a[r2 * n + k] = x; }
    }
}
