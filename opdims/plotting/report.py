"""The report a person reads: one HTML page per output folder, standing alone.

``opdims analyse`` and ``opdims reproduce`` write ``OUT/index.html``: every
PNG figure of the folder embedded (base64), the summary table, the answer in
one sentence, and the provenance (network fingerprints, data files and their
sha256, options, opdims version, timings, and whether the parity suite passed
on this installation, :func:`opdims.data.sources.parity_status`). A
:class:`~opdims.NetworkAnalysis` shows the same in a notebook
(:func:`analysis_html`, its ``_repr_html_``).

The page needs no network and no other file. A small script checks, once the
page has loaded, that every figure has a size: it sets ``data-figures`` and
``data-figures-shown`` on ``<body>`` (and replaces a figure that cannot be
shown by a line saying so); script errors are counted in ``data-errors``.
"""

from __future__ import annotations

import base64
import html
import io as bytes_io
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..data.sources import parity_status
from ..dims.sweeps import COST_TOLERANCE, DEFAULT_RANK_RULE, rank_rule_text
from ..io.filesystem import atomic_output, check_output_file, sha256_of_file
from ..version import __version__

__all__ = [
    "REPORT_NAME",
    "Report",
    "analysis_html",
    "analysis_report",
    "figure_png",
    "folder_figures",
    "markdown_html",
    "parity_sentence",
    "rank_sentence",
    "write_report",
]

REPORT_NAME = "index.html"  #: the report's file name in an output folder

#: captions of the figures opdims writes (others are shown under their file name)
CAPTIONS = {
    "figure1": "Figure 1: high-variance dimensions (SVD of W, PCs of the activity), mean over networks",
    "figure3": "Figure 3 b-g: global operative dimensions, cost and state distance against rank, mean over "
               "networks",
    "operative_vs_high_variance": "Operative against high-variance dimensions: cost and state distance against rank",
    "operative_dimensions": "Global operative dimensions, output cost and state distance against rank",
    "sampling_locations": "Sampling locations on the condition-average trajectories (first two PCs)",
}
#: how the answer names each kind of dimensions (others by their ``dim_type``)
ANSWER_NAMES = {"columns": "operative columns", "rows": "operative rows",
                "high_variance": "high-variance dimensions (SVD of W)"}
#: figures shown first, in this order; the rest follow by name
ORDER = ("operative_vs_high_variance", "figure3", "figure1", "operative_dimensions", "sampling_locations")

_STYLE = """
.opdims-report { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1b1f23;
  line-height: 1.45; max-width: 1180px; margin: 0 auto; padding: 0 1.2em 2em; }
.opdims-report h1 { font-size: 1.55em; margin: 0.8em 0 0.3em; }
.opdims-report h2 { font-size: 1.2em; margin: 1.6em 0 0.5em; border-bottom: 1px solid #d0d7de;
  padding-bottom: 0.2em; }
.opdims-report h3 { font-size: 1.05em; margin: 1.2em 0 0.4em; }
.opdims-report .answer { font-size: 1.1em; background: #eef6ee; border-left: 4px solid #2e7d32;
  padding: 0.7em 1em; margin: 0.8em 0 1.2em; }
.opdims-report .parity-failed { color: #b00020; font-weight: 600; }
.opdims-report table { border-collapse: collapse; margin: 0.4em 0 1em; font-size: 0.92em; }
.opdims-report th, .opdims-report td { border: 1px solid #d0d7de; padding: 0.3em 0.6em; vertical-align: top; }
.opdims-report th { background: #f6f8fa; text-align: left; }
.opdims-report td.num { text-align: right; font-variant-numeric: tabular-nums; }
.opdims-report .wide { overflow-x: auto; }
.opdims-report figure { margin: 1em 0 1.6em; }
.opdims-report figure img { max-width: 100%; height: auto; border: 1px solid #e1e4e8; }
.opdims-report figcaption { font-size: 0.92em; color: #444; margin-top: 0.3em; }
.opdims-report code { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 0.88em;
  background: #f6f8fa; padding: 0.05em 0.3em; border-radius: 3px; word-break: break-all; }
.opdims-report details { margin: 0.5em 0; }
.opdims-report .missing { color: #b00020; }
.opdims-report footer { margin-top: 2em; font-size: 0.85em; color: #666; }
"""

#: counts script errors (registered first, in <head>)
_ERRORS_SCRIPT = """
window.opdimsErrors = 0;
window.addEventListener('error', function () {
  window.opdimsErrors += 1;
  if (document.body) { document.body.setAttribute('data-errors', String(window.opdimsErrors)); }
});
"""

#: once loaded: every figure must have a size; one that has none is replaced by a line saying so
_CHECK_SCRIPT = """
(function () {
  function check() {
    var images = Array.prototype.slice.call(document.querySelectorAll('.opdims-report img'));
    var shown = 0;
    images.forEach(function (img) {
      if (img.complete && img.naturalWidth > 0 && img.naturalHeight > 0) { shown += 1; return; }
      var note = document.createElement('p');
      note.className = 'missing';
      note.textContent = 'This figure could not be shown: ' + img.alt;
      img.parentNode.replaceChild(note, img);
    });
    document.body.setAttribute('data-figures', String(images.length));
    document.body.setAttribute('data-figures-shown', String(shown));
    document.body.setAttribute('data-errors', String(window.opdimsErrors || 0));
  }
  if (document.readyState === 'complete') { check(); } else { window.addEventListener('load', check); }
})();
"""


@dataclass
class Report:
    """What a report page shows.

    Parameters
    ----------
    title : str
        The page's heading.
    answer : str
        The answer in one sentence (plain text).
    summary : str
        The summary (Markdown: tables, lists, paragraphs).
    figures : list of tuple
        ``(caption, PNG bytes)``, in order.
    provenance : list of tuple
        ``(name, value)`` rows (plain text).
    data_files : list of tuple
        ``(role, path, sha256)`` of the files read.
    options : dict
        Options of the run (name -> value).
    fingerprints : list of tuple
        ``(network, fingerprint)``.
    """

    title: str
    answer: str
    summary: str = ""
    figures: list = field(default_factory=list)
    provenance: list = field(default_factory=list)
    data_files: list = field(default_factory=list)
    options: dict = field(default_factory=dict)
    fingerprints: list = field(default_factory=list)

    def fragment(self) -> str:
        """The report as an HTML fragment (a ``<div>`` with its own style; for notebooks).

        Returns
        -------
        str
            The HTML.
        """
        parts = [f"<div class=\"opdims-report\"><style>{_STYLE}</style>",
                 f"<h1>{html.escape(self.title)}</h1>",
                 f"<p class=\"answer\">{html.escape(self.answer)}</p>"]
        if self.summary:
            parts += ["<h2>Summary</h2>", markdown_html(self.summary)]
        if self.figures:
            parts.append("<h2>Figures</h2>")
            for caption, png in self.figures:
                data = base64.b64encode(png).decode("ascii")
                parts.append(f"<figure><img src=\"data:image/png;base64,{data}\" alt=\"{html.escape(caption)}\">"
                             f"<figcaption>{html.escape(caption)}</figcaption></figure>")
        parts += ["<h2>Provenance</h2>", _table((), self.provenance, heading=False, numeric=False)]
        if self.data_files:
            parts += ["<h3>Data files</h3>",
                      _table(["role", "file", "sha256"],
                             [(role, f"`{path}`", f"`{digest}`") for role, path, digest in self.data_files])]
        if self.fingerprints:
            rows = [(name, f"`{digest}`") for name, digest in self.fingerprints]
            table = _table(["network", "fingerprint (sha256 of its arrays and constants)"], rows)
            parts += ["<h3>Network fingerprints</h3>",
                      table if len(rows) <= 3 else f"<details><summary>{len(rows)} networks</summary>{table}"
                                                   "</details>"]
        if self.options:
            rows = [(k, _plain(v)) for k, v in self.options.items()]
            parts += ["<h3>Options</h3>", _table(["option", "value"], rows, numeric=False)]
        parts.append(f"<footer>Written by opdims {html.escape(__version__)}.</footer></div>")
        return "\n".join(parts)

    def page(self) -> str:
        """The report as a whole HTML document that stands alone.

        Returns
        -------
        str
            The HTML.
        """
        return (f"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                f"<title>{html.escape(self.title)}</title>\n<script>{_ERRORS_SCRIPT}</script>\n</head>\n"
                f"<body>\n{self.fragment()}\n<script>{_CHECK_SCRIPT}</script>\n</body>\n</html>\n")


def _plain(value) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(_plain(v) for v in value) if value else "-"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_plain(v)}" for k, v in value.items()) if value else "-"
    return "-" if value is None else str(value)


def _inline(text: str) -> str:
    """Escape, then Markdown's inline code and bold."""
    out = []
    for k, piece in enumerate(re.split(r"(`[^`]*`)", text)):
        if k % 2:
            out.append(f"<code>{html.escape(piece[1:-1])}</code>")
        else:
            out.append(re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", html.escape(piece)))
    return "".join(out)


_NUMBER = re.compile(r"^[-+]?(\d[\d,]*\.?\d*|\.\d+)([eE][-+]?\d+)?%?$")


def _table(columns, rows, *, heading: bool = True, numeric: bool = True) -> str:
    """An HTML table; without ``heading``, no header row and the first column is the rows' names; ``numeric``:
    numbers right-aligned."""
    lines = ["<div class=\"wide\"><table>"]
    if heading:
        lines.append("<tr>" + "".join(f"<th>{_inline(str(h))}</th>" for h in columns) + "</tr>")
    for row in rows:
        cells = []
        for k, cell in enumerate(row):
            text = str(cell).strip()
            if not heading and k == 0:
                cells.append(f"<th>{_inline(text)}</th>")
            else:
                cls = " class=\"num\"" if numeric and _NUMBER.match(text) else ""
                cells.append(f"<td{cls}>{_inline(text)}</td>")
        lines.append("<tr>" + "".join(cells) + "</tr>")
    lines.append("</table></div>")
    return "\n".join(lines)


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def markdown_html(text: str) -> str:
    """The Markdown of opdims' summaries as HTML: headings, pipe tables, lists, paragraphs, code, bold.

    Headings go one level down (the page holds the only ``<h1>``).

    Everything is escaped; nothing else of Markdown is interpreted.

    Parameters
    ----------
    text : str
        The Markdown.

    Returns
    -------
    str
        The HTML.

    Examples
    --------
    >>> print(markdown_html("| a | b |\\n| --- | ---: |\\n| x | 1 |"))
    <div class="wide"><table>
    <tr><th>a</th><th>b</th></tr>
    <tr><td>x</td><td class="num">1</td></tr>
    </table></div>
    """
    blocks, lines = [], text.splitlines()
    k = 0
    while k < len(lines):
        line = lines[k]
        if not line.strip():
            k += 1
        elif line.lstrip().startswith("|"):
            table = []
            while k < len(lines) and lines[k].lstrip().startswith("|"):
                table.append(lines[k])
                k += 1
            header = _cells(table[0])
            body = table[1:]
            if body and all(re.fullmatch(r":?-{3,}:?", c) for c in _cells(body[0])):
                body = body[1:]
            blocks.append(_table(header, [_cells(r) for r in body]))
        elif re.match(r"#{1,6} ", line):
            level = min(len(line) - len(line.lstrip("#")) + 1, 6)
            blocks.append(f"<h{level}>{_inline(line.lstrip('#').strip())}</h{level}>")
            k += 1
        elif re.match(r"\s*[-*] ", line):
            items = []
            while k < len(lines) and re.match(r"\s*[-*] ", lines[k]):
                items.append(f"<li>{_inline(lines[k].strip()[2:])}</li>")
                k += 1
            blocks.append("<ul>" + "".join(items) + "</ul>")
        else:
            paragraph = []
            while k < len(lines) and lines[k].strip() and not lines[k].lstrip().startswith(("|", "#")) \
                    and not re.match(r"\s*[-*] ", lines[k]):
                paragraph.append(lines[k].strip())
                k += 1
            blocks.append(f"<p>{_inline(' '.join(paragraph))}</p>")
    return "\n".join(blocks)


def figure_png(fig, dpi: int = 110) -> bytes:
    """A matplotlib figure as PNG bytes.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure.
    dpi : int, optional
        Resolution.

    Returns
    -------
    bytes
        The PNG.
    """
    buffer = bytes_io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def folder_figures(folder) -> list[tuple[str, bytes]]:
    """Every PNG directly in ``folder`` as ``(caption, bytes)``: opdims' figures first, then by name.

    Parameters
    ----------
    folder : path
        The output folder.

    Returns
    -------
    list of tuple
        The figures.
    """
    paths = sorted(Path(folder).glob("*.png"), key=lambda p: (ORDER.index(p.stem) if p.stem in ORDER
                                                              else len(ORDER), p.name))
    return [(f"{CAPTIONS.get(p.stem, p.stem)} ({p.name})", p.read_bytes()) for p in paths if p.is_file()]


def parity_sentence() -> str:
    """Whether the parity suite passed on this installation, in one line.

    Returns
    -------
    str
        From :func:`opdims.data.sources.parity_status`; ``"not run ..."`` when never recorded.

    Examples
    --------
    >>> parity_sentence().startswith(("passed", "FAILED", "not run"))
    True
    """
    status = parity_status()
    if status is None:
        return "not run on this installation (run `opdims parity` to check opdims against the original code)"
    count = f"{status.get('comparisons', '?')} comparisons"
    when = f", {status['finished']}" if status.get("finished") else ""
    version = status.get("opdims_version")
    stale = f"; recorded for opdims {version}, this is {__version__}" if version and version != __version__ else ""
    if status["passed"]:
        return f"passed ({count}{when}{stale})"
    return f"FAILED: {status.get('failed', '?')} of {count} out of tolerance{when}{stale} (see `opdims parity`)"


def rank_sentence(rows, tolerance: float = COST_TOLERANCE, *, rank_key: str = "rank",
                  n_units: int | None = None, rule: str = DEFAULT_RANK_RULE) -> str:
    """The answer in one sentence: where the cost comes back, per kind of dimensions.

    Parameters
    ----------
    rows : list of dict
        Rows with ``dim_type``, ``kind`` or ``locations`` (rows of random locations are left out), and ``rank_key``
        (:meth:`opdims.NetworkAnalysis.summary_rows`, or
        :func:`opdims.analysis.reproduce.rank_thresholds` with ``rank_key='rank'``
        and ``task``).
    tolerance : float, optional
        The tolerance the ranks were found with.
    rank_key : str, optional
        Which entry holds the rank (default ``'rank'``, the rank by ``rule``).
    rule : str, optional
        The rule the ranks were found with (said in the sentence; :data:`opdims.dims.sweeps.RANK_RULES`).
    n_units : int, optional
        The network's units (said after the ranks).

    Returns
    -------
    str
        The sentence.

    Examples
    --------
    >>> rank_sentence([{"dim_type": "columns", "kind": "trajectory", "rank": 4}], n_units=100, rule="ratio")
    'The output cost is back at rank 4 with operative columns (of 100 units; smallest rank whose cost is <= 1.1 x the full-rank cost).'
    """
    per_task: dict = {}
    for row in rows:
        if row.get("kind", row.get("locations")) == "random":
            continue  # the control, not the answer
        rank = row.get(rank_key)
        where = "not within the ranks swept" if rank is None else f"at rank {rank}"
        name = ANSWER_NAMES.get(row["dim_type"], row["dim_type"])
        task = row.get("task")
        if task is not None and row.get("n_networks", 1) > 1:
            task = f"{task} (mean over {row['n_networks']} networks)"
        per_task.setdefault(task, []).append(f"{where} with {name}")
    if not per_task:
        return "No rank sweep was run, so there is no rank at which the cost is back."
    clauses = []
    for task, parts in per_task.items():
        text = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
        clauses.append(text if task is None else f"for {task} {text}")
    units = f"of {n_units} units; " if n_units else ""
    return f"The output cost is back {'; '.join(clauses)} ({units}{rank_rule_text(rule, tolerance)})."


def _weights_file(provenance: dict):
    weights = provenance.get("weights")
    if not weights or not Path(str(weights)).is_file():
        return None
    digest = provenance.get("weights_sha256") or sha256_of_file(weights)
    return ("weights", str(weights), digest)


def analysis_report(analysis, *, figures=None, tolerance: float = COST_TOLERANCE, title: str | None = None,
                    data_files=(), timings=(), options: dict | None = None, answer: str | None = None) -> Report:
    """The report of one :class:`~opdims.NetworkAnalysis`.

    Parameters
    ----------
    analysis : opdims.NetworkAnalysis
        The analysis.
    figures : list of tuple, optional
        ``(caption, PNG bytes)``; default: drawn from the analysis (needs matplotlib;
        none without it).
    tolerance : float, optional
        Tolerance of the rank thresholds.
    title : str, optional
        The heading.
    data_files : sequence of tuple, optional
        ``(role, path, sha256)`` of the files read besides the weights.
    timings : sequence of tuple, optional
        Further ``(name, value)`` rows of timings.
    options : dict, optional
        Options to show (default: the analysis' own, from its provenance).
    answer : str, optional
        The answer in one sentence (default: :func:`rank_sentence` of the analysis' summary rows).

    Returns
    -------
    Report
        The report.
    """
    p = analysis.provenance
    if figures is None:
        figures = _analysis_figures(analysis, tolerance)
    weights = _weights_file(p)
    if title is None:
        title = (f"Operative dimensions of {Path(weights[1]).name} (network {p.get('net_id', 1)})" if weights else
                 f"Operative dimensions of a {p.get('task', '')} network of {analysis.n_units} units")
    network = (f"{p.get('task')} network {p.get('net_id')}: {analysis.n_units} units, {p.get('nonlinearity')}, "
               f"alpha {p.get('alpha')}")
    trials = (f"{p.get('n_location_trials') or '-'} for the locations, {p.get('n_sweep_trials') or '-'} for the "
              f"rank sweep; random stream {p.get('stream') or '-'}")
    provenance = [("network", network),
                  ("network fingerprint", f"`{p.get('network_fingerprint', '-')}`"),
                  ("sampling locations", f"{analysis.locations.shape[0]} ({p.get('locations_from', '-')})"),
                  ("trials", trials),
                  ("opdims version", str(p.get("opdims_version", __version__))),
                  ("analysis time", f"{float(p.get('seconds', 0.0)):.1f} s"),
                  *timings,
                  ("created", f"{p.get('created', '-')} on {p.get('host', '-')}"),
                  ("parity suite", parity_sentence())]
    files = ([weights] if weights else []) + list(data_files)
    if answer is None:
        answer = rank_sentence(analysis.summary_rows(tolerance), tolerance, n_units=analysis.n_units)
    return Report(title, answer,
                  analysis.summary_table(tolerance), list(figures), provenance, files,
                  dict(p.get("options", {})) if options is None else options)


def _analysis_figures(analysis, tolerance: float) -> list:
    try:
        from .figures import figure_analysis_locations, figure_network_analysis
    except ImportError:  # matplotlib is an extra
        return []
    figures = []
    if any(r.sweep is not None for r in analysis.results.values()):
        figures.append((CAPTIONS["operative_dimensions"], figure_png(figure_network_analysis(analysis, tolerance))))
    if analysis.condition_averages is not None and analysis.activity_pcs is not None:
        figures.append((CAPTIONS["sampling_locations"], figure_png(figure_analysis_locations(analysis))))
    return figures


def analysis_html(analysis, tolerance: float = COST_TOLERANCE) -> str:
    """A :class:`~opdims.NetworkAnalysis` as HTML for a notebook (its ``_repr_html_``).

    Parameters
    ----------
    analysis : opdims.NetworkAnalysis
        The analysis.
    tolerance : float, optional
        Tolerance of the rank thresholds.

    Returns
    -------
    str
        An HTML fragment: the answer, the summary table, the figures and the provenance.
    """
    return analysis_report(analysis, tolerance=tolerance).fragment()


def write_report(folder, report: Report, *, overwrite: bool = False, name: str = REPORT_NAME) -> Path:
    """Write ``report`` as ``folder/index.html`` (under a temporary name, renamed when complete).

    Parameters
    ----------
    folder : path
        The output folder (it exists).
    report : Report
        The report.
    overwrite : bool, optional
        Replace an existing page.
    name : str, optional
        The file name.

    Returns
    -------
    pathlib.Path
        The page.

    Raises
    ------
    FileExistsError
        If the page exists and ``overwrite`` is false.

    Examples
    --------
    >>> page = write_report(".", Report("My network", "The answer."))
    >>> page.name, "The answer." in page.read_text()
    ('index.html', True)
    """
    path = Path(folder) / name
    check_output_file(path, overwrite)
    with atomic_output(path, overwrite=overwrite) as part:
        Path(part).write_text(report.page(), encoding="utf-8")
    return path
