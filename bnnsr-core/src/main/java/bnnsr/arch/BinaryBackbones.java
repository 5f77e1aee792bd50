package bnnsr.arch;

import bnnsr.binarize.Binarization;

import java.util.Locale;

/** Registers the binarized backbones: srresnet-X and vdsr-X for every scheme X, the FP vdsr, and bsrn. */
final class BinaryBackbones {
    private BinaryBackbones() {}

    static void registerAll() {
        for (Binarization.Kind k : Binarization.Kind.values()) {
            if (k == Binarization.Kind.BBCU) continue;   // its units differ: BBCUNet's families below
            String x = k.name().toLowerCase(Locale.ROOT);
            Architectures.register("srresnet-" + x, new BinarySRResNet.Family(k));
            Architectures.register("vdsr-" + x, new VDSR.Family(k));
        }
        Architectures.register("vdsr", new VDSR.Family(null));
        Architectures.register("bsrn", new BSRN.Family());
        Architectures.register("srresnet-bbcu", new BBCUNet.Family(false));
        Architectures.register("bbcu-m", new BBCUNet.Family(true));
    }
}
