import numpy as np
import pytest

from opdims import Network
from opdims.reference_data import ENV_VAR, ORIGINAL_FILES, original_data_dir


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


@pytest.fixture
def small_net():
    return random_network()


@pytest.fixture(scope="session")
def original_data():
    """Folder of the authors' data; skips the test where it is absent."""
    path = original_data_dir()
    if path is None:
        pytest.skip(f"original data not found: set {ENV_VAR} or provide ../shared/reference/original")
    missing = [rel for rel in ORIGINAL_FILES.values() if not (path / rel).is_file()]
    if missing:
        pytest.skip(f"original data folder {path} lacks {', '.join(missing)}")
    return path
