"""The report page of an output folder (OUT/index.html) and of a NetworkAnalysis in a notebook; parity status.

The pages are loaded in a real headless browser (Chromium): they must load without script errors and every
figure must have a size.
"""

import base64
import json
import re
import shutil
import subprocess

import numpy as np
import pytest
from synthetic import random_network

from opdims import analyse_network, io, trials_from_arrays
from opdims.cli import main
from opdims.cli.parity import record_status
from opdims.data.sources import PARITY_REPORT_ENV, PARITY_STATUS_ENV, parity_status
from opdims.dims import network_analysis
from opdims.plotting import report
from opdims.version import __version__

CHROMIUM = next((shutil.which(name) for name in ("chromium", "chromium-browser", "google-chrome")
                 if shutil.which(name)), None)
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium on this machine (apt-get install chromium)")


@pytest.fixture(autouse=True)
def no_parity_record(tmp_path, monkeypatch):
    """Each test starts with no parity record (never the user's own)."""
    monkeypatch.setenv(PARITY_STATUS_ENV, str(tmp_path / "parity_status.json"))
    monkeypatch.delenv(PARITY_REPORT_ENV, raising=False)


def small_trials(n_in=2, seed=1):
    rng = np.random.default_rng(seed)
    labels = np.repeat([1, 2, 3], 2)
    inputs = 0.3 * rng.standard_normal((6, 40, n_in))
    for k, label in enumerate((1, 2, 3)):
        inputs[labels == label, 5:20, 0] += k
    return inputs, np.tanh(np.cumsum(inputs[..., :1], axis=1) / 10), labels


@pytest.fixture(scope="module")
def analyse_folder(tmp_path_factory):
    """``opdims analyse`` on a small network and trials, with figures."""
    folder = tmp_path_factory.mktemp("analyse")
    net = random_network(8, n_in=2, n_out=1, n_ctx=1, seed=3)
    np.savez(folder / "net.npz", W_in=net.W_in, W=net.W, W_out=net.W_out, x0=net.x0, b_x=net.b_x, b_z=net.b_z,
             dt=1e-3, tau=1e-2)
    inputs, targets, labels = small_trials()
    np.savez(folder / "trials.npz", inputs=inputs, targets=targets, labels=labels)
    out = folder / "out"
    assert main(["analyse", "--weights", str(folder / "net.npz"), "--trials", str(folder / "trials.npz"),
                 "--every", "10", "--out", str(out), "--quiet"]) == 0
    return folder


@pytest.fixture(scope="module")
def reproduce_folder(tmp_path_factory):
    """``opdims reproduce`` on two small swg networks."""
    folder = tmp_path_factory.mktemp("reproduce")
    for k in (1, 2):
        io.add_network_hdf5(folder / "swg.h5", k, random_network(6, n_in=1, n_out=1, n_ctx=1, seed=k, gain=1.2))
    assert main(["reproduce", "--swg", str(folder / "swg.h5"), "--tasks", "swg", "--dims", "columns", "--out",
                 str(folder / "out"), "--quiet"]) == 0
    return folder


def embedded_images(page: str) -> list[bytes]:
    return [base64.b64decode(data) for data in re.findall(r'src="data:image/png;base64,([^"]+)"', page)]


def test_the_analyse_page_stands_alone_with_figures_table_answer_and_provenance(analyse_folder):
    out = analyse_folder / "out"
    page = (out / "index.html").read_text()
    pngs = sorted(out.glob("*.png"))
    assert len(pngs) == 2
    assert sorted(embedded_images(page)) == sorted(p.read_bytes() for p in pngs)
    assert not re.search(r'(src|href)="(?!data:)', page), "the page must not refer to other files"
    analysis = io.load_analysis(out / "analysis.h5")
    assert analysis.provenance["network_fingerprint"] in page
    for name in ("net.npz", "trials.npz"):
        assert io.sha256_of_file(analyse_folder / name) in page
    assert "<th>local dims found</th>" in page and "<td>operative columns</td>" in page
    answer = re.search(r'<p class="answer">(.*?)</p>', page).group(1)
    rank = analysis["columns"].rank()
    assert f"at rank {rank} with operative columns" in answer and "(of 8 units; " in answer
    assert f"opdims {__version__}" in page and "opdims analyse, in all" in page
    assert "not run on this installation" in page


def test_the_analyse_page_is_not_overwritten_without_force(analyse_folder, capsys):
    out = analyse_folder / "out"
    before = (out / "index.html").read_bytes()
    assert main(["analyse", "--weights", str(analyse_folder / "net.npz"), "--trials",
                 str(analyse_folder / "trials.npz"), "--every", "10", "--out", str(out), "--quiet"]) == 1
    assert "exists already" in capsys.readouterr().err
    assert (out / "index.html").read_bytes() == before


def test_the_reproduce_page_shows_the_folders_figures_fingerprints_and_weights(reproduce_folder):
    out = reproduce_folder / "out"
    page = (out / "index.html").read_text()
    assert embedded_images(page) == [(out / f"{name}.png").read_bytes()
                                     for name in ("operative_vs_high_variance", "figure3", "figure1")]
    assert io.sha256_of_file(reproduce_folder / "swg.h5") in page
    for k in (1, 2):
        assert io.load_network(reproduce_folder / "swg.h5", k).fingerprint() in page
    assert "The output cost is back for swg (mean over 2 networks) at rank" in page
    assert "<td>swg</td>" in page  # the rank table


def browser_dom(page, tmp_path) -> str:
    """The page's DOM after it loaded, as Chromium headless sees it."""
    result = subprocess.run([CHROMIUM, "--headless", "--disable-gpu", "--no-sandbox", "--no-first-run",
                             f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", page.as_uri()],
                            capture_output=True, text=True, timeout=180, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def body_attributes(dom: str) -> dict:
    return dict(re.findall(r'(data-[a-z-]+)="([^"]*)"', re.search(r"<body[^>]*>", dom).group(0)))


@needs_chromium
@pytest.mark.parametrize("folder", ["analyse_folder", "reproduce_folder"])
def test_the_page_loads_in_a_browser_and_every_figure_has_a_size(folder, request, tmp_path):
    out = request.getfixturevalue(folder) / "out"
    n_figures = len(list(out.glob("*.png")))
    attributes = body_attributes(browser_dom(out / "index.html", tmp_path))
    assert attributes == {"data-figures": str(n_figures), "data-figures-shown": str(n_figures), "data-errors": "0"}
    shot = tmp_path / "page.png"
    subprocess.run([CHROMIUM, "--headless", "--disable-gpu", "--no-sandbox", "--no-first-run", "--hide-scrollbars",
                    f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1200,1600", f"--screenshot={shot}",
                    (out / "index.html").as_uri()], capture_output=True, timeout=180, check=True)
    from matplotlib.image import imread

    pixels = imread(shot)
    assert pixels.shape[:2] == (1600, 1200) and pixels[..., :3].std() > 0.05  # not a blank page


@needs_chromium
def test_the_browser_check_notices_a_figure_that_cannot_be_shown(tmp_path):
    page = report.Report("broken", "An answer.", figures=[("a broken figure", b"not a png"),
                                                         ("a good figure", tiny_png())])
    path = report.write_report(tmp_path, page)
    dom = browser_dom(path, tmp_path)
    assert body_attributes(dom) == {"data-figures": "2", "data-figures-shown": "1", "data-errors": "0"}
    assert "This figure could not be shown: a broken figure" in dom


def tiny_png() -> bytes:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(1, 1))
    fig.add_subplot().plot([0, 1])
    return report.figure_png(fig, dpi=50)


def test_a_network_analysis_shows_the_report_in_a_notebook():
    net = random_network(6, n_in=2, n_out=1, n_ctx=1, seed=4)
    inputs, targets, labels = small_trials()
    analysis = analyse_network(net, "mine", trials=trials_from_arrays(inputs, targets, labels), every=10,
                               dim_types=("columns",), pcs=True)
    fragment = analysis._repr_html_()
    assert fragment.startswith('<div class="opdims-report">') and "<html" not in fragment
    assert len(embedded_images(fragment)) == 2  # the rank figure and the sampling locations
    assert analysis.provenance["network_fingerprint"] in fragment
    assert "with operative columns" in fragment and "parity suite" in fragment
    network_analysis.set_html_renderer(None)
    try:
        assert analysis._repr_html_().startswith("<pre>| dimensions |")
    finally:
        import opdims

        network_analysis.set_html_renderer(opdims._analysis_html)


def test_the_page_is_written_whole_or_not_at_all(tmp_path):
    path = report.write_report(tmp_path, report.Report("first", "one"))
    with pytest.raises(FileExistsError, match="exists already"):
        report.write_report(tmp_path, report.Report("second", "two"))
    assert "one" in path.read_text() and [p.name for p in tmp_path.iterdir()] == ["index.html"]
    report.write_report(tmp_path, report.Report("second", "two"), overwrite=True)
    assert "<title>second</title>" in path.read_text()


def test_markdown_is_escaped_and_tables_lists_and_code_are_converted():
    html = report.markdown_html("# Title\n\nsome <b>text</b> with `a<b`\n\n| x | y |\n| --- | ---: |\n| **1** | 2.5e-3 |\n"
                                "\n- item one\n- item two")
    assert "<h2>Title</h2>" in html and "&lt;b&gt;text&lt;/b&gt;" in html and "<code>a&lt;b</code>" in html
    assert "<td><strong>1</strong></td>" in html and '<td class="num">2.5e-3</td>' in html
    assert "<ul><li>item one</li><li>item two</li></ul>" in html and "---" not in html


def test_parity_status_not_run_passed_failed_and_from_a_table(tmp_path, monkeypatch):
    assert parity_status() is None and report.parity_sentence().startswith("not run")
    record_status(0, "| `a` | `b` | numpy | f | 3 | 0 | 0 | 1e-12 | yes |\n", "fixtures X")
    status = parity_status()
    assert status["passed"] and status["comparisons"] == 1 and status["opdims_version"] == __version__
    assert report.parity_sentence().startswith("passed (1 comparisons, ")
    record_status(1, "| `a` | `b` | numpy | f | 3 | 0 | 0 | 1e-12 | yes |\n| `c` | `d` | numpy | f | 1 | 1 | 1 | 1e-12 "
                     "| NO |\n", "fixtures X")
    assert report.parity_sentence().startswith("FAILED: 1 of 2 comparisons out of tolerance")
    record = json.loads((tmp_path / "parity_status.json").read_text())
    (tmp_path / "parity_status.json").write_text(json.dumps({**record, "passed": True, "opdims_version": "0.0.1"}))
    assert f"recorded for opdims 0.0.1, this is {__version__}" in report.parity_sentence()
    (tmp_path / "parity_status.json").unlink()
    table = tmp_path / "parity.md"
    table.write_text("| MATLAB function | ... | pass |\n| --- | --- | --- |\n| `a` | x | yes |\n| `b` | y | yes |\n")
    monkeypatch.setenv(PARITY_REPORT_ENV, str(table))
    assert parity_status()["passed"] and report.parity_sentence() == "passed (2 comparisons)"
