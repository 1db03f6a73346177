"""How good are the generic solver's starts? The first greedy step against many random starts.

Small random GRUs and LSTMs (N = 8, seeds 0-5, 3 locations each): the ratio of the first step's Δf
with the first-order starts alone, and with the default random starts, to the best of 30 random starts
(1 = as good; smallest ratio printed). Then a random GRU of N = 100 (4 locations, first step) with
0, 8 and 40 random starts. Prints the figures docs/gated_cells.md quotes::

    OMP_NUM_THREADS=1 nice -n 10 python benchmarks/bench_gated_starts.py
"""

from __future__ import annotations

import numpy as np

from opdims.core.cells import gated_network_from_tensors, run_gated
from opdims.dims.generic import RANDOM_STARTS, generic_local_dimensions


def random_cell(kind: str, n: int, rng):
    g = 3 if kind == "gru" else 4
    return gated_network_from_tensors(kind, rng.standard_normal((g * n, 2)),
                                      2 * rng.standard_normal((g * n, n)) / np.sqrt(n),
                                      0.3 * rng.standard_normal(g * n), 0.3 * rng.standard_normal(g * n))


def first_step(net, states, dim_type, starts, seed):
    return -generic_local_dimensions(net, states, dim_type, n_dims=1, random_starts=starts, seed=seed).fvals[:, 0]


def main() -> None:
    print("N = 8: first-step Δf / best of 30 random starts (smallest over 6 networks x 3 locations)")
    for kind in ("gru", "lstm"):
        for dim_type in ("columns", "rows"):
            worst = {0: 1.0, RANDOM_STARTS: 1.0}
            for seed in range(6):
                rng = np.random.default_rng(seed)
                net = random_cell(kind, 8, rng)
                states = run_gated(net, rng.standard_normal((3, 20, 2)), np.zeros((3, net.state_size)))[:, -1]
                best = first_step(net, states, dim_type, 30, seed)
                for starts in list(worst):
                    ratio = first_step(net, states, dim_type, starts, 100 + seed) / best
                    worst[starts] = min(worst[starts], float(ratio.min()))
            print(f"  {kind} {dim_type}: first-order starts only {worst[0]:.4f}, "
                  f"with {RANDOM_STARTS} random starts {worst[RANDOM_STARTS]:.4f}")
    rng = np.random.default_rng(0)
    net = random_cell("gru", 100, rng)
    states = run_gated(net, rng.standard_normal((4, 30, 2)), np.zeros((4, net.state_size)))[:, -1]
    print("GRU N = 100, first-step Δf at 4 locations with 0 / 8 / 40 random starts:")
    for dim_type in ("columns", "rows"):
        values = {k: first_step(net, states, dim_type, k, 7) for k in (0, 8, 40)}
        gain = float(np.max(values[40] / values[8] - 1))
        print(f"  {dim_type}: " + "; ".join(f"{k}: {np.round(v, 4).tolist()}" for k, v in values.items())
              + f"; 40 vs 8 starts: up to {100 * gain:.2f} % larger")


if __name__ == "__main__":
    main()
