# Makes src/test/resources/golden/adam.json: four torch.optim.Adam steps (L2 weight decay, changing lr) on a
# 7-element parameter, in float64. Run with Debian's python3-torch: /usr/bin/python3 src/test/python/make_adam_golden.py
import json
import torch

torch.manual_seed(0)
p = torch.nn.Parameter(torch.randn(7, dtype=torch.float64))
init = p.detach().clone().tolist()
opt = torch.optim.Adam([p], lr=1e-2, betas=(0.5, 0.999), eps=1e-8, weight_decay=2e-4)
grads, lrs = [], [1e-2, 5e-3, 2e-3, 1e-3]
for k in range(4):
    g = torch.randn(7, dtype=torch.float64)
    grads.append(g.tolist())
    for group in opt.param_groups:
        group['lr'] = lrs[k]
    p.grad = g.clone()
    opt.step()
json.dump({"init": init, "grads": grads, "lrs": lrs, "beta1": 0.5, "beta2": 0.999, "eps": 1e-8,
           "weight_decay": 2e-4, "final": p.detach().tolist()},
          open('src/test/resources/golden/adam.json', 'w'))
