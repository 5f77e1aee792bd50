package bnnsr.train;

import bnnsr.arch.Model;
import bnnsr.arch.ModelInput;
import bnnsr.nn.Loss;
import bnnsr.tensor.Tensor;

/**
 * What a training step minimises: the loss to the HR patch, plus, with a teacher (issue 9, 2c: distillation),
 * {@code weight} times the L1 distance to a frozen trained network's output on the same LR patch. The teacher only
 * runs forward, in evaluation mode, and none of its parameters is ever handed to the optimiser.
 */
final class Objective {
    private final Loss loss;
    private final Model teacher;
    private final float weight;
    private final Loss.L1 distill = new Loss.L1();
    private Tensor grad;
    private double lastDistill = Double.NaN;

    /** {@code teacher} may be null (plain loss). */
    Objective(Loss loss, Model teacher, double weight) {
        this.loss = loss;
        this.teacher = teacher;
        this.weight = (float) weight;
    }

    /** The objective at prediction {@code y} for the batch (lr, hr); prepares {@link #backward}. */
    double forward(Tensor y, Tensor lr, Tensor hr) {
        double l = loss.forward(y, hr);
        if (teacher == null) return l;
        Tensor t = teacher.forward(ModelInput.prepare(teacher.options(), lr), false);
        lastDistill = distill.forward(y, t);
        Tensor g1 = loss.backward(), g2 = distill.backward();
        grad = Tensor.reuse(grad, g1.n, g1.h, g1.w, g1.c);
        float[] a = g1.data, b = g2.data, out = grad.data;
        float w = weight;
        for (int i = 0; i < out.length; i++) out[i] = a[i] + w * b[i];
        return l + weight * lastDistill;
    }

    /** d(objective)/dy of the last forward. */
    Tensor backward() { return teacher == null ? loss.backward() : grad; }

    /** The distillation term (before its weight) of the last forward; NaN without a teacher. */
    double lastDistill() { return lastDistill; }
}
