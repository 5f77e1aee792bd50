#!/usr/bin/env python3
"""Prints the unrolled micro-kernels of src/main/java/bnnsr/tensor/ConvKernels.java (tile*, dot*, outer*).

Not part of the build: a helper for editing those kernels by hand-checked generation. Paste its output over the
kernel methods (everything from the first kernel up to finishDot) and run the tests.
"""
import re
def fwd(P, V):
    n = f"tile{P}x{V}"
    o = []
    o.append(f"    /** {P} output pixels x {V} vectors of output channels, one kernel row; see the class comment. */")
    o.append(f"    static void {n}(float[] in, int i0, int inS, int steps, float[] wt, int wb, boolean first, float[] bias,")
    o.append(f"                    int co0, float[] out, int outOff, int outS) {{")
    for j in range(P):
        o.append("        FloatVector " + ", ".join(f"a{j}{v}" for v in range(V)) + ";")
    o.append("        if (first) {")
    o.append("            " + "FloatVector " + ", ".join(f"b{v} = FloatVector.fromArray(S, bias, co0" + (f" + {v} * L" if v else "") + ")" for v in range(V)) + ";")
    for j in range(P):
        o.append("            " + " ".join(f"a{j}{v} = b{v};" for v in range(V)))
    o.append("        } else {")
    o.append("            int o = outOff;")
    for j in range(P):
        o.append("            " + " ".join(f"a{j}{v} = FloatVector.fromArray(S, out, o" + (f" + {v} * L" if v else "") + ");" for v in range(V)) + (" o += outS;" if j < P-1 else ""))
    o.append("        }")
    o.append("        for (int s = 0; s < steps; s++) {")
    o.append(f"            int i = i0 + s, wi = wb + s * ({V} * L);")
    for v in range(V):
        o.append(f"            FloatVector w{v} = FloatVector.fromArray(S, wt, wi" + (f" + {v} * L" if v else "") + ");")
    o.append("            FloatVector x;")
    for j in range(P):
        o.append(f"            x = FloatVector.broadcast(S, in[i" + (f" + {j} * inS" if j else "") + "]);")
        o.append("            " + " ".join(f"a{j}{v} = x.fma(w{v}, a{j}{v});" for v in range(V)))
    o.append("        }")
    o.append("        int o = outOff;")
    for j in range(P):
        o.append("        " + " ".join(f"a{j}{v}.intoArray(out, o" + (f" + {v} * L" if v else "") + ");" for v in range(V)) + (" o += outS;" if j < P-1 else ""))
    o.append("    }")
    return "\n".join(o)

def dot(P, C):
    n = f"dot{P}x{C}"
    o = []
    o.append(f"    /** {P} output pixels x {C} output channels, one kernel row, vectors along the input channels. */")
    o.append(f"    static void {n}(float[] in, int i0, int inS, int steps, float[] wr, int wb, int wS, float[] part,")
    o.append(f"                    boolean first, boolean last, float[] bias, int co0, float[] out, int outOff, int outS) {{")
    for j in range(P):
        o.append("        FloatVector " + ", ".join(f"a{j}{c}" for c in range(C)) + ";")
    o.append("        if (first) {")
    for j in range(P):
        o.append("            " + " ".join(f"a{j}{c} = FloatVector.zero(S);" for c in range(C)))
    o.append("        } else {")
    for j in range(P):
        o.append("            " + " ".join(f"a{j}{c} = FloatVector.fromArray(S, part, {j * C + c} * L);" for c in range(C)))
    o.append("        }")
    o.append("        for (int s = 0; s < steps; s += L) {")
    o.append("            int i = i0 + s, wi = wb + s;")
    for c in range(C):
        o.append(f"            FloatVector w{c} = FloatVector.fromArray(S, wr, wi" + (f" + {c} * wS" if c else "") + ");")
    o.append("            FloatVector x;")
    for j in range(P):
        o.append(f"            x = FloatVector.fromArray(S, in, i" + (f" + {j} * inS" if j else "") + ");")
        o.append("            " + " ".join(f"a{j}{c} = x.fma(w{c}, a{j}{c});" for c in range(C)))
    o.append("        }")
    for j in range(P):
        o.append("        " + " ".join(f"a{j}{c}.intoArray(part, {j * C + c} * L);" for c in range(C)))
    o.append(f"        if (last) finishDot(part, {P}, {C}, bias, co0, out, outOff, outS);")
    o.append("    }")
    return "\n".join(o)

def outer(P, V):
    n = f"outer{P}x{V}"
    o = []
    o.append(f"    /** acc[{P}][{V} vectors] += a (broadcast) x b over npix pixels; see the class comment. */")
    o.append(f"    static void {n}(float[] a, int aOff, int aS, float[] b, int bOff, int bS, int npix, float[] acc, int accOff, int ldAcc) {{")
    o.append("        int o = accOff;")
    for j in range(P):
        o.append("        FloatVector " + ", ".join(f"c{j}{v} = FloatVector.fromArray(S, acc, o" + (f" + {v} * L" if v else "") + ")" for v in range(V)) + ";" + (" o += ldAcc;" if j < P-1 else ""))
    o.append("        for (int p = 0; p < npix; p++, aOff += aS, bOff += bS) {")
    for v in range(V):
        o.append(f"            FloatVector b{v} = FloatVector.fromArray(S, b, bOff" + (f" + {v} * L" if v else "") + ");")
    o.append("            FloatVector x;")
    for j in range(P):
        o.append(f"            x = FloatVector.broadcast(S, a[aOff" + (f" + {j}" if j else "") + "]);")
        o.append("            " + " ".join(f"c{j}{v} = x.fma(b{v}, c{j}{v});" for v in range(V)))
    o.append("        }")
    o.append("        o = accOff;")
    for j in range(P):
        o.append("        " + " ".join(f"c{j}{v}.intoArray(acc, o" + (f" + {v} * L" if v else "") + ");" for v in range(V)) + (" o += ldAcc;" if j < P-1 else ""))
    o.append("    }")
    return "\n".join(o)

parts = [fwd(6,4), fwd(8,3), fwd(12,2), fwd(12,1), dot(4,3), dot(8,1), outer(6,4), outer(6,3), outer(6,2), outer(6,1), outer(3,4), outer(3,3), outer(3,2), outer(3,1)]
text = "\n\n".join(parts)
for pat, rep in [(r" \+ 1 \* (L|inS|wS)\b", r" + \1"), (r" - 1 \* L\b", " - L"), (r", 0 \* L\)", ", 0)"), (r", 1 \* L\)", ", L)")]:
    text = re.sub(pat, rep, text)
print(text)
