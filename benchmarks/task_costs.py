"""Task cost of the bundled default networks next to the authors' networks.

    python benchmarks/task_costs.py

Prints the evaluation MSE (``opdims.training.task_cost``: the same data and
noise for every network) of the default network of each task, of the
authors' network 1 and the median and range over their 20 networks (when the
original data is found).
"""

from __future__ import annotations

import numpy as np

from opdims.data import default_weights
from opdims.data.sources import ORIGINAL_FILES, original_data_dir
from opdims.io import load_network
from opdims.training import evaluation_data, task_cost


def main() -> None:
    root = original_data_dir()
    print("| network | ctxt MSE | swg MSE |\n| --- | ---: | ---: |")
    rows: dict[str, dict[str, str]] = {}
    for task in ("ctxt", "swg"):
        data = evaluation_data(task)
        rows.setdefault("bundled default", {})[task] = f"{task_cost(load_network(default_weights(task)), task, data):.3g}"
        if root is None:
            continue
        path = root / ORIGINAL_FILES[f"{task}_weights"]
        costs = np.array([task_cost(load_network(path, k), task, data) for k in range(1, 21)])
        rows.setdefault("original NetNr1", {})[task] = f"{costs[0]:.3g}"
        rows.setdefault("original, median of 20 (min to max)", {})[task] = (
            f"{np.median(costs):.3g} ({costs.min():.3g} to {costs.max():.3g})")
    for name, by_task in rows.items():
        print(f"| {name} | {by_task.get('ctxt', '')} | {by_task.get('swg', '')} |")
    if root is None:
        print("\n(original data not found: set OPDIMS_ORIGINAL_DATA to compare with the authors' networks)")


if __name__ == "__main__":
    main()
