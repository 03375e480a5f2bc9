"""The typed summary of a regional assignment run (``summary.json``, ``timings.json``).

:class:`AssignSummary` and its nested parts are dataclasses with every field documented in
their ``Attributes`` sections. It is built once, at the end of
:func:`matching.workflows.assign.run_assignment`, and serialised in one place:
:meth:`AssignSummary.to_json` writes ``summary.json`` and :meth:`AssignSummary.timings_json`
``timings.json``. The reports read it by attribute (they never import this module at run
time: reports sit below workflows).

Key order and number formatting of the JSON are those of the field declarations and of the
values the workflow puts in, so ``summary.json`` stays byte-identical for the same input and
seed.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["AssignSummary", "BaselineSummary", "RunSettings", "SanitySummary", "SolverSummary",
           "SroiPrice"]


def _json(payload: Any) -> str:
    return json.dumps(payload, indent=2, ensure_ascii=False, default=str)


@dataclass(frozen=True)
class SolverSummary:
    """How the exact core (or the SROI-aware CP-SAT model) ended.

    Attributes
    ----------
    name : str
        Solver used, e.g. ``ortools.min_cost_flow`` or ``ortools.cp_sat``.
    status : str
        Solver status: ``OPTIMAL`` or ``FEASIBLE`` (stopped by the time or gap limit).
    gap : float or None
        Relative optimality gap; ``0.0`` when proven optimal.
    wall_time_s : float or None
        Solver wall-clock seconds (rounded to ms); ``None`` when not recorded. It differs from
        run to run, so ``summary.json`` leaves it out (``timings.json`` has it).
    """

    name: str
    status: str
    gap: float | None
    wall_time_s: float | None = None


@dataclass(frozen=True)
class BaselineSummary:
    """One method's result on the same pairs (the optimum or a baseline).

    Attributes
    ----------
    expected_durable : float
        Sum of the calibrated durable-placement probabilities of its pairs (rounded to 4
        decimals).
    n_assigned : int
        Number of pairs it assigned.
    """

    expected_durable: float
    n_assigned: int


@dataclass(frozen=True)
class RunSettings:
    """The settings and options that shaped the run (reported for reproduction).

    Attributes
    ----------
    min_score : float
        Minimum durable-placement probability of a pair given to the solver.
    weight_scale : int
        Factor turning probabilities into the solver's integer weights.
    sroi_weight : float
        Weight of the capped SROI-coverage reward (``durable+sroi`` only).
    max_per_employer : int or None
        ``--max-per-employer``: most placements per employer, if set.
    min_share : dict of str to float, or None
        ``--min-share``: minimum share of the placements per target group, if set.
    seed : int
        Random seed (CP-SAT search).
    """

    min_score: float
    weight_scale: int
    sroi_weight: float
    max_per_employer: int | None
    min_share: dict[str, float] | None
    seed: int

    def to_dict(self) -> dict[str, Any]:
        """The settings as a plain dict, in field order."""
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class SanitySummary:
    """The model's sanity checks on this pool (:func:`matching.model.sanity.check_pool`).

    Attributes
    ----------
    n_pairs : int
        Number of scored pairs the checks looked at.
    base_rate : float or None
        Durable share in the model's training history (4 decimals).
    pool_rate : float or None
        Mean predicted probability over the pool (4 decimals).
    saturated_share : float or None
        Share of pairs scored at (almost) 0 or 1 (4 decimals).
    psi : dict of str to float
        Population stability index per model feature, training history vs. pool (3 decimals).
    warnings : list of dict
        One per failed check: ``rule``, the rule's figures (4 decimals), ``message_nl`` and
        ``message_en``.
    ok : bool
        True when no check failed.
    """

    n_pairs: int
    base_rate: float | None
    pool_rate: float | None
    saturated_share: float | None
    psi: dict[str, float]
    warnings: list[dict[str, Any]]
    ok: bool

    def messages(self, lang: str) -> list[str]:
        """The warnings' messages in ``lang`` (English when a message lacks that language)."""
        return [w.get(f"message_{lang}", w.get("message_en", "")) for w in self.warnings]


@dataclass(frozen=True)
class SroiPrice:
    """What the SROI-aware objective cost compared with the durable-only optimum.

    Attributes
    ----------
    durable_only_expected : float
        Expected durable placements of the durable-only optimum on the same pairs (4 decimals).
    expected_durable_cost : float
        Expected durable placements given up for SROI coverage (4 decimals).
    pairs_changed : int
        Number of pairs that differ from the durable-only optimum.
    """

    durable_only_expected: float
    expected_durable_cost: float
    pairs_changed: int


@dataclass(frozen=True)
class AssignSummary:
    """The summary of one regional assignment run (``summary.json``).

    Built once, at the end of :func:`matching.workflows.assign.run_assignment`; written by
    :func:`matching.reports.assign_outputs.write_outputs` through :meth:`to_json`.

    Attributes
    ----------
    objective : str
        ``durable`` or ``durable+sroi``.
    expected_durable : float
        Expected durable placements of the chosen assignment (sum of probabilities).
    objective_value : float
        The solver's objective value (equals ``expected_durable`` for ``durable``).
    n_assigned : int
        Number of proposed placements.
    n_candidates_available : int
        Available candidates in the dataset.
    n_vacancies_open : int
        Open vacancies in the dataset.
    n_positions : int
        Open positions over all open vacancies.
    n_raw_pairs : int
        Candidate-vacancy pairs before the hard constraints.
    n_scored_pairs : int
        Pairs left by the hard constraints, all scored.
    n_pairs : int
        Pairs given to the solver (above ``min_score``, not forbidden, plus the locked ones).
    n_locked : int
        Locked (already agreed) pairs.
    n_forbidden : int
        Forbidden pairs.
    model_version : str
        Version of the scoring model.
    solver : SolverSummary
        How the solver ended.
    baselines : dict of str to BaselineSummary
        ``optimal``, ``greedy``, ``local_only`` and ``sequential`` on the same pairs, in that
        order.
    gain_vs_local_pct : float or None
        Gain of the regional optimum over local-only matching, in percent (2 decimals);
        ``None`` when local only places nobody.
    gain_vs_greedy_pct : float or None
        Gain of the regional optimum over greedy, in percent (2 decimals); ``None`` when greedy
        places nobody.
    min_score : float
        The threshold in force (``--min-score`` or the setting).
    timings_s : dict of str to float
        Wall-clock seconds per step (ms); they differ from run to run, so they go to
        ``timings.json``, not ``summary.json``.
    settings : RunSettings
        The settings and options that shaped the run.
    created_for : str
        The dataset the run was made for (its path).
    lang : str
        Language of the texts of the run (``nl`` or ``en``).
    sanity : SanitySummary
        The model's sanity checks on this pool.
    sroi_price : SroiPrice or None
        The price of the SROI-aware objective; ``None`` for ``durable``.
    """

    objective: str
    expected_durable: float
    objective_value: float
    n_assigned: int
    n_candidates_available: int
    n_vacancies_open: int
    n_positions: int
    n_raw_pairs: int
    n_scored_pairs: int
    n_pairs: int
    n_locked: int
    n_forbidden: int
    model_version: str
    solver: SolverSummary
    baselines: dict[str, BaselineSummary]
    gain_vs_local_pct: float | None
    gain_vs_greedy_pct: float | None
    min_score: float
    timings_s: dict[str, float]
    settings: RunSettings
    created_for: str
    lang: str
    sanity: SanitySummary
    sroi_price: SroiPrice | None = None

    # ------------------------------------------------------------------ serialisation
    def to_dict(self, *, timings: bool = True) -> dict[str, Any]:
        """The summary as plain JSON-ready data, in field order.

        With ``timings=False`` the values that differ from run to run by nature are left out
        (``timings_s`` and ``solver.wall_time_s``): the reproducible part.
        """
        out = dataclasses.asdict(self)
        if not timings:
            del out["timings_s"]
            del out["solver"]["wall_time_s"]
        return out

    def timings_dict(self) -> dict[str, Any]:
        """The run-to-run varying values: ``timings_s`` and ``solver_wall_time_s``."""
        return {"timings_s": dict(self.timings_s), "solver_wall_time_s": self.solver.wall_time_s}

    def to_json(self, *, files: Sequence[Mapping[str, Any]] | None = None,
                deterministic: bool = True) -> str:
        """The text of ``summary.json`` (2-space indent, UTF-8 text, trailing newline).

        ``deterministic`` leaves the timings out (byte-identical for the same input and seed);
        otherwise they follow the reproducible part, as ``timings_s`` and
        ``solver_wall_time_s``. ``files`` (every other file of the run with its sha256) comes
        last when given.
        """
        payload = self.to_dict(timings=False)
        if not deterministic:
            payload.update(self.timings_dict())
        if files is not None:
            payload["files"] = [dict(f) for f in files]
        return _json(payload) + "\n"

    def timings_json(self) -> str:
        """The text of ``timings.json``."""
        return json.dumps(self.timings_dict(), indent=2) + "\n"

    def without_timings(self) -> AssignSummary:
        """This summary with the varying values cleared (what a reproducible report shows)."""
        return dataclasses.replace(self, timings_s={},
                                   solver=dataclasses.replace(self.solver, wall_time_s=None))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AssignSummary:
        """Read a summary back from :meth:`to_dict` or from ``summary.json``.

        ``files`` is ignored; timings missing from a deterministic ``summary.json`` read as
        empty (``timings_s``) or ``None`` (``solver.wall_time_s``).
        """
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = set(data) - known - {"files", "solver_wall_time_s"}
        if unknown:
            raise ValueError(f"unknown summary field(s): {', '.join(sorted(unknown))}")
        values = {k: v for k, v in data.items() if k in known}
        solver = dict(data["solver"])
        solver.setdefault("wall_time_s", data.get("solver_wall_time_s"))
        values["solver"] = SolverSummary(**solver)
        values["baselines"] = {name: BaselineSummary(**b) for name, b in data["baselines"].items()}
        values["timings_s"] = dict(data.get("timings_s") or {})
        values["settings"] = RunSettings(**data["settings"])
        values["sanity"] = SanitySummary(**data["sanity"])
        price = data.get("sroi_price")
        values["sroi_price"] = None if price is None else SroiPrice(**price)
        return cls(**values)
