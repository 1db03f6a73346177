import pytest
from synthetic import random_network

from opdims.data.sources import ENV_VAR, ORIGINAL_FILES, PARITY_STATUS_ENV, original_data_dir


@pytest.fixture(autouse=True)
def parity_record_apart(tmp_path_factory, monkeypatch):
    """`opdims parity` run by a test (e.g. a documentation block) records its outcome here, not in ~/.cache."""
    monkeypatch.setenv(PARITY_STATUS_ENV, str(tmp_path_factory.getbasetemp() / "parity_status.json"))


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
