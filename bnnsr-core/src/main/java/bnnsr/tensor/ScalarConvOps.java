package bnnsr.tensor;

import java.util.Arrays;

/** Plain loops, short enough to read at a glance: the oracle for the fast kernels. */
public final class ScalarConvOps implements ConvOps {

    @Override public void forward(Tensor x, float[] w, float[] bias, int k, Tensor y) {
        int p = k / 2, ci = x.c, co = y.c;
        for (int n = 0; n < x.n; n++)
            for (int oy = 0; oy < x.h; oy++)
                for (int ox = 0; ox < x.w; ox++)
                    for (int o = 0; o < co; o++) {
                        double s = bias == null ? 0 : bias[o];
                        for (int ky = 0; ky < k; ky++) {
                            int iy = oy + ky - p;
                            if (iy < 0 || iy >= x.h) continue;
                            for (int kx = 0; kx < k; kx++) {
                                int ix = ox + kx - p;
                                if (ix < 0 || ix >= x.w) continue;
                                int xb = x.index(n, iy, ix, 0), wb = (ky * k + kx) * ci * co + o;
                                for (int i = 0; i < ci; i++) s += x.data[xb + i] * w[wb + i * co];
                            }
                        }
                        y.data[y.index(n, oy, ox, o)] = (float) s;
                    }
    }

    @Override public void backwardInput(Tensor dy, float[] w, int k, Tensor dx) {
        int p = k / 2, ci = dx.c, co = dy.c;
        dx.zero();
        for (int n = 0; n < dy.n; n++)
            for (int oy = 0; oy < dy.h; oy++)
                for (int ox = 0; ox < dy.w; ox++)
                    for (int ky = 0; ky < k; ky++) {
                        int iy = oy + ky - p;
                        if (iy < 0 || iy >= dx.h) continue;
                        for (int kx = 0; kx < k; kx++) {
                            int ix = ox + kx - p;
                            if (ix < 0 || ix >= dx.w) continue;
                            int gb = dy.index(n, oy, ox, 0), xb = dx.index(n, iy, ix, 0), wb = (ky * k + kx) * ci * co;
                            for (int i = 0; i < ci; i++) {
                                float s = 0;
                                for (int o = 0; o < co; o++) s += dy.data[gb + o] * w[wb + i * co + o];
                                dx.data[xb + i] += s;
                            }
                        }
                    }
    }

    @Override public void backwardWeight(Tensor x, Tensor dy, int k, float[] dw, float[] db) {
        int p = k / 2, ci = x.c, co = dy.c;
        Arrays.fill(dw, 0, k * k * ci * co, 0f);
        if (db != null) Arrays.fill(db, 0, co, 0f);
        for (int n = 0; n < x.n; n++)
            for (int oy = 0; oy < x.h; oy++)
                for (int ox = 0; ox < x.w; ox++) {
                    int gb = dy.index(n, oy, ox, 0);
                    if (db != null) for (int o = 0; o < co; o++) db[o] += dy.data[gb + o];
                    for (int ky = 0; ky < k; ky++) {
                        int iy = oy + ky - p;
                        if (iy < 0 || iy >= x.h) continue;
                        for (int kx = 0; kx < k; kx++) {
                            int ix = ox + kx - p;
                            if (ix < 0 || ix >= x.w) continue;
                            int xb = x.index(n, iy, ix, 0), wb = (ky * k + kx) * ci * co;
                            for (int i = 0; i < ci; i++) {
                                float xv = x.data[xb + i];
                                for (int o = 0; o < co; o++) dw[wb + i * co + o] += xv * dy.data[gb + o];
                            }
                        }
                    }
                }
    }
}
