"""Small synthetic networks for tests."""

import numpy as np

from opdims import Network


def random_network(n=7, n_in=3, n_out=1, n_ctx=2, seed=0, gain=1.5, sigma=0.1) -> Network:
    """A small random network (weights ~ gain * randn / sqrt(n))."""
    rng = np.random.default_rng(seed)
    return Network(
        W_in=rng.standard_normal((n, n_in)),
        W=gain * rng.standard_normal((n, n)) / np.sqrt(n),
        W_out=rng.standard_normal((n_out, n)) / np.sqrt(n),
        x0=rng.standard_normal((n, n_ctx)) * 0.5,
        b_x=rng.standard_normal(n) * 0.1,
        b_z=rng.standard_normal(n_out) * 0.1,
        noise_sigma=sigma,
    )
