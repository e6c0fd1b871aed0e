"""
Recomputes the reference vectors in test/reference/*.json with the public PyTorch implementations,
so that a reader can check where the numbers the tests compare against come from. Not run in CI.

Sources (each a checkout or source archive of the public repository, in one folder `--sources`):
  diffsort           github.com/Felix-Petersen/diffsort           differentiable sorting networks
  difftopk           github.com/Felix-Petersen/difftopk           NeuralSort, SoftSort
  algovision         github.com/Felix-Petersen/algovision         relaxed Bellman-Ford (examples/shortest_path.py)
  blackbox-backprop  github.com/martius-lab/blackbox-backprop     vertex-weighted Dijkstra
PyTorch from Debian: `apt-get install python3-torch`, then run with Debian's interpreter:

  /usr/bin/python3 scripts/reference-vectors.py --sources DIR           # compare, print the largest differences
  /usr/bin/python3 scripts/reference-vectors.py --sources DIR --write   # rewrite test/reference/*.json

The inputs of each case (scores `x`, `targets`, parameters, cost maps, ground-truth paths, Dijkstra
weights) are read from the stored files; every other field is computed here in float64:
- sorting: P[b][i][j] = weight of input i at ascending position j (the libraries' matrices
  transposed to that convention), `perm_gt`, the loss per sample (mean over the n² entries of
  torch.nn.BCELoss, logs clamped at −100), its gradient and Hessian w.r.t. the sample's own scores,
  and the Newton targets x_i − (M + λI)⁻¹ g_i with M the batch-mean Hessian or mean_b g_b g_bᵀ;
- relaxed Bellman-Ford: the relaxed path (cost maps are [B, H, W]), the L1 and squared L2 path
  losses summed over cells, and their gradients w.r.t. the costs;
- Dijkstra: the path, its cost and the number of distinct optimal paths.
Without `--write` it exits 1 when a field differs from the stored one by more than 1e-5 relative to
its largest magnitude (the stored fields agree to 5e-6: float64 sums in another order).
"""
import argparse
import json
import math
import os
import sys
import types

import numpy as np
import torch

REFERENCE = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'reference')
TOLERANCE = 1e-5
SOURCES = {}


def load_sources(folder):
    for name in ('diffsort', 'difftopk', 'algovision', 'blackbox-backprop'):
        path = os.path.join(folder, name)
        if not os.path.isdir(path):
            sys.exit(f'--sources: {folder} has no folder {name!r} (a checkout of the public repository)')
        sys.path.insert(0, path)
        SOURCES[name] = path
    sys.path.insert(0, os.path.join(folder, 'algovision', 'examples'))


def relaxed_permutation(case, x):
    """P [B, n, n] in the ascending convention P[b][i][j], float64."""
    params = case['params']
    if case['method'] == 'neuralsort':
        from difftopk import NeuralSort
        # difftopk's NeuralSort negates the scores and transposes itself: its output is P[b][i][j].
        return NeuralSort(tau=params['tau'])(x)
    if case['method'] == 'softsort':
        from difftopk import SoftSort
        # SoftSort sorts descending with rows = positions; descending of −x is ascending of x.
        return SoftSort(tau=params['tau'], pow=params.get('pow', 1.0))(-x).transpose(-2, -1)
    from diffsort import DiffSortNet
    sorter = DiffSortNet(
        params['network'],
        case['n'],
        steepness=params['steepness'],
        art_lambda=params.get('art_lambda', 0.25),
        distribution=params['distribution'],
    )
    sorter.sorting_network = [[layer.double() for layer in pair] for pair in sorter.sorting_network]
    return sorter(x)[1]


def bce_per_sample(p, q):
    """torch.nn.BCELoss (logs clamped at −100), averaged over the n² entries of each sample."""
    return torch.nn.functional.binary_cross_entropy(p, q, reduction='none').mean(dim=(-2, -1))


def sorting_case(case):
    x = torch.tensor(case['x'], dtype=torch.float64)
    targets = torch.tensor(case['targets'], dtype=torch.float64)
    batch, n = x.shape
    ranks = torch.argsort(torch.argsort(targets, dim=1), dim=1)
    perm_gt = torch.nn.functional.one_hot(ranks, n).double()
    out = {'perm_gt': perm_gt.tolist(), 'P': relaxed_permutation(case, x).detach().tolist()}
    if case['method'] == 'diffsort':
        out['sorted'] = (x.unsqueeze(1) @ relaxed_permutation(case, x)).squeeze(1).detach().tolist()

    def loss_of(b):
        def f(row):
            scores = x.clone()
            scores[b] = row
            return bce_per_sample(relaxed_permutation(case, scores)[b], perm_gt[b])
        return f

    losses, gradients, hessians = [], [], []
    for b in range(batch):
        row = x[b].clone().requires_grad_(True)
        loss = loss_of(b)(row)
        (gradient,) = torch.autograd.grad(loss, row)
        losses.append(loss.item())
        gradients.append(gradient)
        hessians.append(torch.autograd.functional.hessian(loss_of(b), x[b].clone()))
    g = torch.stack(gradients)
    h = torch.stack(hessians)
    lam = case['tikhonov']
    eye = torch.eye(n, dtype=torch.float64)
    hessian_mean = h.mean(0)
    fisher = (g.unsqueeze(2) @ g.unsqueeze(1)).mean(0)
    out.update(
        loss_per_sample=losses,
        grad_per_sample=g.tolist(),
        hessian_per_sample=h.tolist(),
        newton_target_hessian=(x - torch.linalg.solve(hessian_mean + lam * eye, g.T).T).tolist(),
        newton_target_fisher=(x - torch.linalg.solve(fisher + lam * eye, g.T).T).tolist(),
    )
    return out


def relaxed_bellman_ford_case(case):
    from shortest_path import get_shortest_path
    p = case['params']
    algorithm = get_shortest_path(p['beta'], p['n_iter'], t_conorm=p['t_conorm'], p=p['p'], loop_type=p['loop_type'])
    gt = torch.tensor(case['gt_path'], dtype=torch.float64)
    out = {}
    for name, loss_fn in (('l1', lambda d: d.abs()), ('l2', lambda d: d.pow(2))):
        cost = torch.tensor(case['cost'], dtype=torch.float64, requires_grad=True)
        path = algorithm(cost)
        per_sample = loss_fn(path - gt).sum(dim=(1, 2))
        (gradient,) = torch.autograd.grad(per_sample.sum(), cost)
        out['path'] = path.detach().tolist()
        out[f'{name}_per_sample'] = per_sample.detach().tolist()
        out[f'{name}_grad'] = gradient.tolist()
    return out


def count_optimal_paths(weights):
    """Distinct optimal top-left → bottom-right paths on the 8-neighbour grid (vertex costs)."""
    h, w = weights.shape
    distance = np.full((h, w), np.inf)
    distance[0, 0] = weights[0, 0]
    order = []
    done = np.zeros((h, w), dtype=bool)
    for _ in range(h * w):
        masked = np.where(done, np.inf, distance)
        cell = np.unravel_index(np.argmin(masked), masked.shape)
        done[cell] = True
        order.append(cell)
        for dy in (-1, 0, 1):
            for dx in (-1, 0, 1):
                y, x = cell[0] + dy, cell[1] + dx
                if (dy or dx) and 0 <= y < h and 0 <= x < w:
                    distance[y, x] = min(distance[y, x], distance[cell] + weights[y, x])
    count = np.zeros((h, w))
    count[0, 0] = 1
    for cell in order[1:]:
        for dy in (-1, 0, 1):
            for dx in (-1, 0, 1):
                y, x = cell[0] + dy, cell[1] + dx
                if (dy or dx) and 0 <= y < h and 0 <= x < w:
                    if math.isclose(distance[y, x] + weights[cell], distance[cell], rel_tol=1e-12):
                        count[cell] += count[y, x]
    return int(count[-1, -1]), float(distance[-1, -1])


def dijkstra_case(case):
    # The package's __init__ imports its graph-matching solver (blossom_v, not on PyPI); load only
    # the shortest-path module.
    if 'blackbox_backprop' not in sys.modules:
        package = types.ModuleType('blackbox_backprop')
        package.__path__ = [os.path.join(SOURCES['blackbox-backprop'], 'blackbox_backprop')]
        sys.modules['blackbox_backprop'] = package
    from blackbox_backprop.shortest_path import dijkstra
    weights = np.array(case['weights'], dtype=np.float64)
    paths, cost = count_optimal_paths(weights)
    return {'path': dijkstra(weights).tolist(), 'cost': cost, 'optimal_paths': paths}


def largest_difference(stored, computed):
    a = np.asarray(stored, dtype=np.float64)
    b = np.asarray(computed, dtype=np.float64)
    if a.shape != b.shape:
        return math.inf
    scale = max(float(np.max(np.abs(a))) if a.size else 0.0, 1e-300)
    return float(np.max(np.abs(a - b))) / scale if a.size else 0.0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--sources', required=True, help='folder with diffsort/, difftopk/, algovision/, blackbox-backprop/')
    parser.add_argument('--write', action='store_true', help='rewrite test/reference/*.json instead of comparing')
    args = parser.parse_args()
    load_sources(args.sources)
    torch.set_default_dtype(torch.float64)
    # difftopk's NeuralSort builds constants with torch.FloatTensor (float32); in float64 throughout.
    torch.FloatTensor = torch.DoubleTensor
    worst = 0.0
    for file, groups in (('sorting.json', {'cases': sorting_case}),
                         ('shortest_path.json', {'relaxed_bellman_ford': relaxed_bellman_ford_case, 'dijkstra': dijkstra_case})):
        path = os.path.join(REFERENCE, file)
        with open(path) as f:
            data = json.load(f)
        for group, compute in groups.items():
            for index, case in enumerate(data[group]):
                computed = compute(case)
                differences = {key: largest_difference(case[key], value) for key, value in computed.items()}
                label = f"{file} {group}[{index}] {case.get('method', '')} {case.get('n', '')} {json.dumps(case.get('params'))}"
                print(f"{label}: largest relative difference {max(differences.values()):.1e} ({max(differences, key=differences.get)})")
                worst = max(worst, max(differences.values()))
                case.update(computed)
        if args.write:
            with open(path, 'w') as f:
                json.dump(data, f)
    if not args.write and worst > TOLERANCE:
        sys.exit(f'largest relative difference {worst:.1e} is above {TOLERANCE:.0e}')


if __name__ == '__main__':
    main()
