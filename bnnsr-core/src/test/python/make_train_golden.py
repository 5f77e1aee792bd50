#!/usr/bin/env python3
"""Reference values for bnnsr.train (Adam, LR schedules) from PyTorch 1.13.

    /usr/bin/python3 src/test/python/make_train_golden.py src/test/resources/golden/train.json

Adam: two parameters (a 'weight' with weight decay, a 'bias' without, as two param groups), 6 steps with
seeded gradients and a changing learning rate; the parameters after each step. Schedules: torch's StepLR,
MultiStepLR, CosineAnnealingLR, and BasicSR's CosineAnnealingRestartLR (copied below), stepped 0..N.
"""
import json
import math
import sys

import torch


def r9(values):
    return [float("%.9g" % v) for v in values]


torch.manual_seed(7)
w = torch.nn.Parameter(torch.randn(3, 4))
b = torch.nn.Parameter(torch.randn(5))
init = {"weight": r9(w.detach().flatten().tolist()), "bias": r9(b.detach().flatten().tolist())}
# the fixture's rounded values are the starting point, so Java and PyTorch start from identical floats
with torch.no_grad():
    w.copy_(torch.tensor(init["weight"]).view(3, 4))
    b.copy_(torch.tensor(init["bias"]))
opt = torch.optim.Adam([{"params": [w], "weight_decay": 0.01}, {"params": [b], "weight_decay": 0.0}],
                       lr=1e-3, betas=(0.8, 0.95), eps=1e-6)
lrs = [1e-3, 1e-3, 5e-4, 5e-4, 2e-3, 1e-4]
steps = []
for lr in lrs:
    for g in opt.param_groups:
        g["lr"] = lr
    grads = {"weight": r9((torch.randn(3, 4) * 0.1).flatten().tolist()), "bias": r9(torch.randn(5).flatten().tolist())}
    w.grad = torch.tensor(grads["weight"]).view(3, 4)
    b.grad = torch.tensor(grads["bias"])
    opt.step()
    steps.append({"lr": lr, "grads": grads, "weight": [float(v) for v in w.detach().flatten().tolist()],
                  "bias": [float(v) for v in b.detach().flatten().tolist()]})
adam = {"beta1": 0.8, "beta2": 0.95, "eps": 1e-6, "weight_decay": 0.01, "init": init, "steps": steps}


def run(sched_factory, n):
    p = torch.nn.Parameter(torch.zeros(1))
    o = torch.optim.SGD([p], lr=0.1)
    s = sched_factory(o)
    out = []
    for _ in range(n):
        out.append(o.param_groups[0]["lr"])
        o.step()
        s.step()
    return out


class CosineAnnealingRestartLR(torch.optim.lr_scheduler._LRScheduler):
    """BasicSR's basicsr/models/lr_scheduler.py."""

    def __init__(self, optimizer, periods, restart_weights=(1,), eta_min=0, last_epoch=-1):
        self.periods = periods
        self.restart_weights = restart_weights
        self.eta_min = eta_min
        self.cumulative_period = [sum(self.periods[0:i + 1]) for i in range(0, len(self.periods))]
        super(CosineAnnealingRestartLR, self).__init__(optimizer, last_epoch)

    def get_lr(self):
        idx = next(i for i, p in enumerate(self.cumulative_period) if self.last_epoch <= p)
        current_weight = self.restart_weights[idx]
        nearest_restart = 0 if idx == 0 else self.cumulative_period[idx - 1]
        current_period = self.periods[idx]
        return [self.eta_min + current_weight * 0.5 * (base_lr - self.eta_min) *
                (1 + math.cos(math.pi * ((self.last_epoch - nearest_restart) / current_period)))
                for base_lr in self.base_lrs]


S = torch.optim.lr_scheduler
schedules = {
    "step_7_0.5": run(lambda o: S.StepLR(o, 7, 0.5), 30),
    "multistep_5_12_20_0.5": run(lambda o: S.MultiStepLR(o, [5, 12, 20], 0.5), 30),
    "cosine_20_1e-3": run(lambda o: S.CosineAnnealingLR(o, 20, 1e-3), 21),
    "restart_10_6_w1_0.5_1e-3": run(lambda o: CosineAnnealingRestartLR(o, [10, 6], [1, 0.5], 1e-3), 16),
}
with open(sys.argv[1], "w") as f:
    json.dump({"torch": torch.__version__, "adam": adam, "schedules": schedules}, f, indent=0)
