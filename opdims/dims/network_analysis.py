"""The result of the one analysis chain for one network (:func:`opdims.analyse_network`).

Forward pass -> sampling locations -> local operative dimensions (per
dimension type) -> global operative dimensions -> rank sweep. One
:class:`DimensionResult` per dimension type and kind of sampling locations
(along the trajectories, or the random-location control), gathered in one
:class:`NetworkAnalysis` with the provenance that made it. Saved and loaded
by :func:`opdims.io.save_analysis` / :func:`opdims.io.load_analysis`.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

import numpy as np

from ..core.errors import MissingFieldError
from ..core.sampling import SamplingLocationProperties
from ..core.validation import ValidationError, check_dim_type
from .global_dims import variance_explained
from .high_variance import HighVarianceDimensions
from .operative import LocalOperativeDimensions
from .sweeps import COST_TOLERANCE, DEFAULT_RANK_RULE, RankSweep, check_rank_rule, rank_rule_text

__all__ = ["ANSWER_LABELS", "LOCATION_KINDS", "DimensionResult", "NetworkAnalysis", "set_html_renderer", "settings_key"]

#: kinds of sampling locations: along the condition-average trajectories; the random-location control
LOCATION_KINDS = ("trajectory", "random")

#: provenance entries that describe the run, not the numbers (left out of :func:`settings_key`)
_RUN_ONLY = ("seconds", "created", "weights", "weights_sha256", "opdims_version", "host")


#: what draws a NetworkAnalysis as HTML in a notebook (the report of :mod:`opdims.plotting.report`, which sits
#: floors above; ``opdims/__init__.py`` plugs it in)
_html_renderer = None


def set_html_renderer(renderer) -> None:
    """Set what :meth:`NetworkAnalysis._repr_html_` calls (``opdims`` sets the report of :mod:`opdims.plotting`).

    Parameters
    ----------
    renderer : callable or None
        ``renderer(analysis) -> str`` (HTML); ``None``: the summary table only.
    """
    global _html_renderer
    _html_renderer = renderer


def settings_key(provenance: dict) -> dict:
    """The provenance entries that determine the numbers (for resuming: same key, same numbers).

    Parameters
    ----------
    provenance : dict
        A :attr:`NetworkAnalysis.provenance`.

    Returns
    -------
    dict
        Everything but run-only entries (time, paths, host, version).
    """
    return {k: v for k, v in provenance.items() if k not in _RUN_ONLY}


@dataclass
class DimensionResult:
    """Local and global operative dimensions of one type, and the rank sweep they give.

    Parameters
    ----------
    dim_type : str
        ``'columns'`` or ``'rows'``.
    kind : str
        ``'trajectory'`` or ``'random'`` (:data:`LOCATION_KINDS`).
    local : LocalOperativeDimensions or None
        The local dimensions (``None`` when not kept).
    basis : numpy.ndarray
        ``[N, N]``: the global operative dimensions (columns, by importance).
    singular_values : numpy.ndarray
        ``[N]``: the singular values of L.
    sweep : RankSweep or None
        Cost and state distance per rank (``None`` when no sweep was run).
    """

    dim_type: str
    kind: str
    local: LocalOperativeDimensions | None
    basis: np.ndarray
    singular_values: np.ndarray
    sweep: RankSweep | None = None

    def __post_init__(self):
        check_dim_type(self.dim_type)
        if self.kind not in LOCATION_KINDS:
            raise ValidationError(f"kind: expected one of {LOCATION_KINDS}, got {self.kind!r}")

    @property
    def variance_explained(self) -> np.ndarray:
        """Percentage of L's variance per global operative dimension ``[N]``."""
        return variance_explained(self.singular_values)

    def rank_within_full_cost(self, tolerance: float = COST_TOLERANCE) -> int | None:
        """Smallest rank with cost at most ``(1 + tolerance)`` x full-rank cost.

        See :func:`opdims.dims.sweeps.rank_within_full_cost`.

        Parameters
        ----------
        tolerance : float, optional
            Relative tolerance.

        Returns
        -------
        int or None
            The rank (``None``: none, or no sweep).
        """
        return None if self.sweep is None else self.sweep.rank_within_full_cost(tolerance)

    def settled_rank(self, tolerance: float = COST_TOLERANCE) -> int | None:
        """Rank from which the cost stays within ``tolerance`` of its range (see :func:`opdims.dims.sweeps.settled_rank`).

        Parameters
        ----------
        tolerance : float, optional
            Fraction of the cost range.

        Returns
        -------
        int or None
            The rank (``None``: never, or no sweep).
        """
        return None if self.sweep is None else self.sweep.settled_rank(tolerance)

    def rank(self, rule: str = DEFAULT_RANK_RULE, tolerance: float = COST_TOLERANCE) -> int | None:
        """The rank at which the cost is back, by ``rule`` (see :func:`opdims.dims.sweeps.cost_rank`).

        Parameters
        ----------
        rule : str, optional
            One of :data:`opdims.dims.sweeps.RANK_RULES` (default ``'range'``).
        tolerance : float, optional
            The rule's tolerance.

        Returns
        -------
        int or None
            The rank (``None``: not reached, or no sweep).
        """
        return None if self.sweep is None else self.sweep.rank(rule, tolerance)


#: labels of the three answers to "at which rank is the cost back?" (operative columns, rows, SVD of W)
ANSWER_LABELS = {"columns": "operative columns", "rows": "operative rows", "high_variance": "SVD of W"}


@dataclass
class NetworkAnalysis:
    """Everything the analysis chain found for one network.

    Parameters
    ----------
    provenance : dict
        What made it: task, weights file and sha256, network id, the
        network's fingerprint, seeds, trials, settings, opdims version,
        seconds (see :func:`settings_key`).
    locations : numpy.ndarray
        ``[L, N]``: the sampling locations along the trajectories.
    results : dict
        ``(dim_type, kind) -> DimensionResult``.
    props : SamplingLocationProperties or None
        Where the locations lie (``None`` for locations given as states).
    condition_averages : numpy.ndarray or None
        ``[n_cond, T, N]``: the full-rank network's condition-average states.
    activity_pcs : numpy.ndarray or None
        ``[N, k]``: first principal components of the full-rank states.
    full_cost : float or None
        The full-rank network's cost on the sweep trials.
    silent_cost : float or None
        The silent network's cost (W = 0) on the sweep trials and noise: the
        bottom of the cost scale of the headline rank (the ``'range'`` rule).
    high_variance : HighVarianceDimensions or None
        The baseline: W's singular values, the activity's principal-component
        variances, and the sweep over W's top-k left singular vectors on the
        same trials and noise (``None`` when turned off).
    """

    provenance: dict
    locations: np.ndarray
    results: dict = field(default_factory=dict)
    props: SamplingLocationProperties | None = None
    condition_averages: np.ndarray | None = None
    activity_pcs: np.ndarray | None = None
    full_cost: float | None = None
    silent_cost: float | None = None
    high_variance: HighVarianceDimensions | None = None

    def __post_init__(self):
        self.locations = np.asarray(self.locations, dtype=np.float64)
        if self.locations.ndim != 2:
            raise ValidationError(f"locations: expected [L, N], got shape {self.locations.shape}")
        for key, result in self.results.items():
            if key != (result.dim_type, result.kind):
                raise ValidationError(f"results: entry {key} holds {(result.dim_type, result.kind)}")
            if result.basis.shape[0] != self.n_units:
                raise ValidationError(f"results {key}: basis has {result.basis.shape[0]} units, the others "
                                      f"{self.n_units}")
        size = self.locations.shape[1]
        if size not in (self.n_units, 2 * self.n_units):
            raise ValidationError(f"locations: expected [L, {self.n_units}] states (an LSTM's (h, c): "
                                  f"[L, {2 * self.n_units}]), got shape {self.locations.shape}")

    @property
    def n_units(self) -> int:
        """Number of units ``N`` (the length of a dimension; an LSTM's states have ``2N`` numbers)."""
        first = next(iter(self.results.values()), None)
        return self.locations.shape[1] if first is None else first.basis.shape[0]

    @property
    def dim_types(self) -> tuple[str, ...]:
        """Dimension types analysed, in order."""
        return tuple(dict.fromkeys(d for d, _ in self.results))

    @property
    def kinds(self) -> tuple[str, ...]:
        """Kinds of sampling locations analysed, in order."""
        return tuple(dict.fromkeys(k for _, k in self.results))

    def __getitem__(self, key) -> DimensionResult:
        """``analysis['rows']`` or ``analysis['rows', 'random']``."""
        if isinstance(key, str):
            key = (key, "trajectory")
        if key not in self.results:
            raise MissingFieldError(f"no results for {key}; present: {sorted(self.results)}")
        return self.results[key]

    def ranks(self, rule: str = DEFAULT_RANK_RULE, tolerance: float = COST_TOLERANCE) -> dict:
        """The answer: the rank at which the cost is back, per kind of dimensions (trajectory locations).

        Parameters
        ----------
        rule : str, optional
            One of :data:`opdims.dims.sweeps.RANK_RULES` (default ``'range'``).
        tolerance : float, optional
            The rule's tolerance.

        Returns
        -------
        dict
            ``'columns'``, ``'rows'`` (those analysed) and ``'high_variance'``
            (when computed) -> rank or ``None`` (not reached).
        """
        out = {d: self.results[d, "trajectory"].rank(rule, tolerance) for d in self.dim_types
               if (d, "trajectory") in self.results and self.results[d, "trajectory"].sweep is not None}
        if self.high_variance is not None and self.high_variance.sweep is not None:
            out["high_variance"] = self.high_variance.rank(rule, tolerance)
        return out

    def rank_sentence(self, rule: str = DEFAULT_RANK_RULE, tolerance: float = COST_TOLERANCE) -> str:
        """:meth:`ranks` in one sentence, with what the rank means.

        Parameters
        ----------
        rule : str, optional
            One of :data:`opdims.dims.sweeps.RANK_RULES`.
        tolerance : float, optional
            The rule's tolerance.

        Returns
        -------
        str
            E.g. ``"Rank at which the cost is back: operative columns 3, operative rows 5, SVD of W 41 (...)."``;
            empty without a sweep.
        """
        ranks = self.ranks(rule, tolerance)
        if not ranks:
            return ""
        parts = ", ".join(f"{ANSWER_LABELS[k]} {'not reached' if v is None else v}" for k, v in ranks.items())
        return f"Rank at which the cost is back: {parts} ({rank_rule_text(rule, tolerance)})."

    def summary_rows(self, tolerance: float = COST_TOLERANCE, rule: str = DEFAULT_RANK_RULE) -> list[dict]:
        """One row per dimension type and kind, and one for the SVD of W: variance explained and ranks.

        Parameters
        ----------
        tolerance : float, optional
            Tolerance of the rank rules.
        rule : str, optional
            The rule of ``rank`` (:data:`opdims.dims.sweeps.RANK_RULES`, default ``'range'``).

        Returns
        -------
        list of dict
            Keys ``dim_type`` (``'columns'``, ``'rows'`` or ``'high_variance'``), ``kind``, ``locations``,
            ``dims_found``, ``variance_explained_1``, ``_3``, ``_5`` (%, cumulative; for the SVD row: of W),
            ``full_cost``, ``silent_cost``, ``rank`` (by ``rule``), ``rank_within_full_cost``, ``settled_rank``.
        """
        check_rank_rule(rule)
        rows = []

        def ranks_of(sweep):
            if sweep is None:
                return {"full_cost": None, "silent_cost": None, "rank": None, "rank_within_full_cost": None,
                        "settled_rank": None}
            return {"full_cost": float(sweep.full_cost), "silent_cost": sweep.silent_cost,
                    "rank": sweep.rank(rule, tolerance) if (rule != "range" or sweep.silent_cost is not None)
                    else None,
                    "rank_within_full_cost": sweep.rank_within_full_cost(tolerance),
                    "settled_rank": sweep.settled_rank(tolerance)}

        def explained(values):
            cumulative = np.cumsum(values)
            return {f"variance_explained_{k}": float(cumulative[min(k, cumulative.size) - 1]) for k in (1, 3, 5)}

        order = sorted(self.results, key=lambda key: (("columns", "rows").index(key[0]), LOCATION_KINDS.index(key[1])))
        for dim_type, kind in order:
            res = self.results[dim_type, kind]
            found = None if res.local is None else int(res.local.counts.sum())
            rows.append({"dim_type": dim_type, "kind": kind, "locations": self.locations.shape[0],
                         "dims_found": found, **explained(res.variance_explained), **ranks_of(res.sweep)})
        if self.high_variance is not None:
            hv = self.high_variance
            rows.append({"dim_type": "high_variance", "kind": "svd", "locations": None, "dims_found": None,
                         **explained(hv.w_variance_explained), **ranks_of(hv.sweep)})
        return rows

    def summary_table(self, tolerance: float = COST_TOLERANCE, rule: str = DEFAULT_RANK_RULE) -> str:
        """:meth:`summary_rows` as a Markdown table, and :meth:`rank_sentence` below it.

        Parameters
        ----------
        tolerance : float, optional
            Tolerance of the rank rule.
        rule : str, optional
            The rule of the rank column (:data:`opdims.dims.sweeps.RANK_RULES`, default ``'range'``).

        Returns
        -------
        str
            The table.
        """
        lines = [("| dimensions | locations | local dims found | variance explained by 1 / 3 / 5 dims (%) "
                  "| full-rank cost | silent cost (W = 0) | rank at which the cost is back (see below) |"),
                 "| --- | --- | ---: | --- | ---: | ---: | ---: |"]

        def fmt(value):
            return "-" if value is None else str(value)

        def num(value):
            return "-" if value is None else f"{value:.3g}"

        for row in self.summary_rows(tolerance, rule):
            ve = " / ".join(f"{row[f'variance_explained_{k}']:.1f}" for k in (1, 3, 5))
            if row["dim_type"] == "high_variance":
                name, kind = "high-variance (SVD of W)", "-"
            else:
                name, kind = f"operative {row['dim_type']}", row["kind"]
            known = row["full_cost"] is not None and (rule != "range" or row["silent_cost"] is not None)
            rank = fmt(row["rank"]) if row["rank"] is not None or not known else "not reached"
            lines.append(f"| {name} | {kind} | {fmt(row['dims_found'])} | {ve} | {num(row['full_cost'])} | "
                         f"{num(row['silent_cost'])} | {rank} |")
        lines.append("")
        lines.append(f"Rank: the {rank_rule_text(rule, tolerance)}.")
        sentence = self.rank_sentence(rule, tolerance) if self._rule_applies(rule) else ""
        if sentence:
            lines += ["", sentence]
        return "\n".join(lines)

    def _rule_applies(self, rule: str) -> bool:
        return rule != "range" or all(
            r.sweep is None or r.sweep.silent_cost is not None for r in self.results.values())

    def _repr_html_(self) -> str:
        """The report in a notebook: the answer, the summary table, the figures and the provenance."""
        if _html_renderer is not None:
            return _html_renderer(self)
        return f"<pre>{html.escape(self.summary_table())}</pre>"
