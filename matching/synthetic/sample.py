"""Synthetic Northern-Netherlands sample data with a documented ground truth.

:func:`generate` draws a coordination point's data (candidates, projects, vacancies and a
placement history) for the 38 in-scope municipalities of Friesland, Groningen and Drenthe,
with distributions taken from ``shared/DOMAIN.md`` and documented in ``docs/ground-truth.md``.
Every placement outcome is drawn from :class:`matching.synthetic.ground_truth.GroundTruth`, so the
oracle probability of any pair is known exactly. Historic outcomes use the start delay as
known at the placement (placement start − vacancy start), never a candidate's current
availability. By default the SROI obligations of running projects bind (their open positions
would cover them by a factor around 1); keyword arguments of :func:`generate` make
robustness worlds (base rate, label noise, share of recent placements, planned end dates,
renamed skill terms). Every world also holds a course catalogue (``courses``) and a regional
tender calendar (``tenders``) for the training planner, drawn from their own random streams
so that they never change the other tables. :func:`write_sample` writes the six tables as
plain UTF-8 CSV plus ``manifest.json`` (which declares the ``extraction_date``); :func:`load_truth` recovers the
oracle from a written folder. Output is deterministic per seed (``numpy`` ``PCG64``).

The generator is split by job; this module is the orchestrator (:func:`generate` runs the
steps in a fixed draw order) and the public face of the package's sample API:
:mod:`~matching.synthetic.distributions` (the documented distributions),
:mod:`~matching.synthetic.draws` (draw helpers), :mod:`~matching.synthetic.vocab`
(vocabularies, occupations), :mod:`~matching.synthetic.noise` (free-text noise),
:mod:`~matching.synthetic.world` (geography, projects), :mod:`~matching.synthetic.vacancies`,
:mod:`~matching.synthetic.people` (candidates), :mod:`~matching.synthetic.history`
(placements and outcomes), :mod:`~matching.synthetic.obligations` (binding SROI
obligations), :mod:`~matching.synthetic.training_tables` (courses and tenders),
:mod:`~matching.synthetic.tables` (assembling the tables) and
:mod:`~matching.synthetic.render` (CSV and manifest).
Examples
--------
>>> sample = generate(200, 20, n_projects=6, n_placements=150, seed=7)
>>> int((sample.dataset.candidates["status"] == "available").sum())
200
>>> int((sample.dataset.vacancies["status"] == "open").sum())
20
"""

from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from matching.core.config import Settings
from matching.data import reference
from matching.data.dataset import Dataset
from matching.data.schema import (
    CANDIDATES,
    COURSES,
    PLACEMENTS,
    PROJECTS,
    TENDERS,
    VACANCIES,
    VALUATION,
)
from matching.synthetic.distributions import TARGET_GROUP_MIX
from matching.synthetic.draws import (
    _STREAM_BINDING,
    _STREAM_COURSES,
    _STREAM_FLIP,
    _STREAM_PLANNED,
    _STREAM_RECENT,
    _STREAM_RENAME,
    _STREAM_TENDERS,
    _aux,
    _days,
)
from matching.synthetic.ground_truth import Coefficients, GroundTruth
from matching.synthetic.history import _flip_outcomes, _history
from matching.synthetic.noise import _Noise, _pc6
from matching.synthetic.obligations import (
    _bind_obligations,
    _coverage_stats,
    _open_position_values,
)
from matching.synthetic.people import _candidates
from matching.synthetic.render import TABLE_FILES, _sha256, render_tables, write_sample
from matching.synthetic.tables import (
    _canonical,
    _ids,
    candidate_frames,
    outcomes_and_stats,
    placements_table,
    projects_table,
    statuses,
    vacancy_frames,
)
from matching.synthetic.training_tables import _courses, _tenders
from matching.synthetic.vacancies import _vacancies
from matching.synthetic.vocab import _occupations, _vocabularies
from matching.synthetic.world import _geo, _occupation_profiles, _projects

__all__ = [
    "GENERATOR_VERSION",
    "TARGET_GROUP_MIX",
    "SampleData",
    "base_rate_shift_for",
    "generate",
    "load_truth",
    "render_tables",
    "write_sample",
]

_TRUTH_TABLES = ("candidates", "projects", "vacancies", "placements")
"""The written tables the ground truth is about (:func:`load_truth` requires them)."""

GENERATOR_VERSION = "2.1.0"
"""Bumped whenever the same seed would give different data."""


@dataclass(frozen=True)
class SampleData:
    """A generated sample: the dataset as the loader would read it, its truth and manifest."""

    dataset: Dataset
    truth: GroundTruth
    manifest: dict = field(default_factory=dict)
    written: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False, compare=False)
    """The tables as written (noisy terms, PC6 postcodes), before CSV formatting."""
    outcomes: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False, compare=False)
    """One row per placement (in ``placements`` order): ``placement_id``, ``candidate_id``,
    ``vacancy_id``, ``probability`` (the truth's historic probability the outcome was drawn
    from), ``start_delay_days`` (placement start − vacancy start), ``t_days`` (time in work),
    ``drawn_durable`` (the outcome as drawn from the truth), ``flipped`` (label noise),
    ``durable`` (``t_days`` ≥ the horizon, after flipping) and ``observed`` (the horizon has
    passed by the reference date). Not written to the CSV files."""


def base_rate_shift_for(target: float, *args: object, iterations: int = 2,
                        **kwargs: object) -> float:
    """The ``base_rate_shift`` that gives a target durable base rate.

    The base rate is the mean true probability of the observed placements (those started at
    least six months before the reference date), which is the expected durable rate of their
    labels without label noise. With ``label_noise`` η the label rate is
    ``rate (1 - 2η) + η``: pass ``(target_label_rate - η) / (1 - 2η)``.

    Generates the sample (``args`` and ``kwargs`` as for :func:`generate`, any
    ``base_rate_shift`` among them is the starting point), solves
    ``mean(sigmoid(logit + d)) = target`` for the shift ``d`` on the observed placements,
    and repeats ``iterations`` times (the placements drawn depend slightly on the shift,
    through the no-two-jobs rule). Typically within 0.01 of the target.

    Examples
    --------
    >>> shift = base_rate_shift_for(0.3, 300, 30, n_projects=8, n_placements=600, seed=1)
    >>> s = generate(300, 30, n_projects=8, n_placements=600, seed=1, base_rate_shift=shift)
    >>> abs(s.manifest["stats"]["mean_true_probability"] - 0.3) < 0.02
    True
    """
    if not 0.0 < float(target) < 1.0:
        raise ValueError(f"target must lie strictly between 0 and 1, got {target!r}")
    shift = float(kwargs.pop("base_rate_shift", 0.0))  # type: ignore[arg-type]
    for _ in range(max(1, int(iterations))):
        sample = generate(*args, base_rate_shift=shift, **kwargs)  # type: ignore[arg-type]
        out = sample.outcomes
        p = out.loc[out["observed"], "probability"].to_numpy()
        if len(p) == 0:
            raise ValueError("the sample has no observed placements to calibrate on")
        logit = np.log(p) - np.log1p(-p)
        lo, hi = -20.0, 20.0
        for _ in range(60):  # bisection: the mean is increasing in the shift
            mid = (lo + hi) / 2
            if np.mean(1.0 / (1.0 + np.exp(-(logit + mid)))) < target:
                lo = mid
            else:
                hi = mid
        shift += (lo + hi) / 2
    return round(shift, 4)


def generate(
    n_candidates: int = 3000,
    n_vacancies: int = 400,
    n_projects: int = 80,
    n_placements: int = 6000,
    *,
    seed: int = 42,
    reference_date: str = "2026-11-01",
    obligations: str = "binding",
    base_rate_shift: float = 0.0,
    label_noise: float = 0.0,
    recent_share: float | None = None,
    planned_end_dates: bool = False,
    renamed_skills: float = 0.0,
    n_courses: int = 24,
    n_tenders: int = 20,
) -> SampleData:
    """Generate a synthetic Northern-NL dataset with its ground truth.

    Parameters
    ----------
    n_candidates : int
        Available candidates (status ``available``). Historic candidates (``placed``,
        ``inactive``) needed for the placement history come on top.
    n_vacancies : int
        Open vacancies. Historic (``filled``/``closed``) vacancies come on top.
    n_projects : int
        Projects (about 45% running at ``reference_date``), at least 1.
    n_placements : int
        Placements in the history (about four years before ``reference_date``).
    seed : int
        Seed of the ``numpy`` ``PCG64`` generator; the same seed gives identical data.
    reference_date : str
        "Today": open vacancies start around it, the history ends before it and outcomes
        are censored at it. The manifest declares it as the ``extraction_date`` of the export.
    obligations : {"binding", "loose"}
        ``"binding"`` (default): the SROI obligations of running projects match their open
        positions. Filling every open position of a running project would cover its
        outstanding obligation by a factor drawn log-normally around 1 (σ 0.42, so 90% of
        projects lie between 50% and 200%): some projects are short of positions. The open
        vacancies themselves are drawn as in ``"loose"`` (exactly ``n_vacancies``); what
        adapts is the running project's contract value, its explicit ``obligation_eur``
        (when the obligation exceeds the 300k cap of a computed one) and its
        ``realised_eur``. ``"loose"``: the earlier shape, where obligations are drawn
        independently of the positions and open positions are worth many times the
        outstanding obligations.
    base_rate_shift : float
        Added to the truth's intercept (logit scale). 0 gives a durable base rate of about
        0.63-0.67; :func:`base_rate_shift_for` finds the shift for a target rate (at the
        default sizes and seed about -3.4 for 0.2, -1.1 for 0.5 and +1.75 for 0.8).
    label_noise : float
        Share (0-1) of historic placements whose outcome class (durable or not) is flipped
        after drawing it from the truth. The truth is unchanged, so a placement's label is
        then durable with probability ``p (1 - label_noise) + (1 - p) label_noise``.
    recent_share : float or None
        Share (0-1) of placements that start less than six months before ``reference_date``
        (censored unless they already ended). ``None``: as drawn (about 0.27).
    planned_end_dates : bool
        When true, placements still running on ``reference_date`` are written with a planned
        contract end after it (the start plus the vacancy's contract months when that lies
        within two years, else 1-730 days after ``reference_date``), as real exports do.
        Outcomes and statuses are unchanged.
    renamed_skills : float
        Share (0-1) of skill terms (candidates' skills, vacancies' required and preferred
        skills) written as a renamed variant the skill vocabulary does not know exactly
        (abbreviations, phrases, qualifiers, word order, role words). The truth keeps the
        true codes.
    n_courses : int
        Courses in the catalogue (``courses``): every kind of
        :data:`~matching.synthetic.training_tables.COURSE_TEMPLATES` once (23), then repeats
        at other providers. Drawn from their own random stream: the other tables do not
        depend on it.
    n_tenders : int
        Planned tenders in the regional tender calendar (``tenders``), own random stream too.

    Returns
    -------
    SampleData
        ``dataset`` in canonical form (as :func:`matching.data.loading.load_dataset` reads the
        written files), ``truth`` (the oracle, on the clean attributes), ``manifest`` and
        ``outcomes`` (the truth behind each placement).
    """
    for name, value, low in (("n_candidates", n_candidates, 0), ("n_vacancies", n_vacancies, 0),
                             ("n_projects", n_projects, 1), ("n_placements", n_placements, 0),
                             ("n_courses", n_courses, 0), ("n_tenders", n_tenders, 0)):
        if int(value) != value or value < low:
            raise ValueError(f"{name} must be an integer >= {low}, got {value!r}")
    if obligations not in ("binding", "loose"):
        raise ValueError(f"obligations must be 'binding' or 'loose', got {obligations!r}")
    for name, value in (("label_noise", label_noise), ("recent_share", recent_share),
                        ("renamed_skills", renamed_skills)):
        if value is not None and not 0.0 <= float(value) <= 1.0:
            raise ValueError(f"{name} must lie between 0 and 1, got {value!r}")
    if not math.isfinite(float(base_rate_shift)):
        raise ValueError(f"base_rate_shift must be a finite number, got {base_rate_shift!r}")
    options = {"obligations": obligations, "base_rate_shift": float(base_rate_shift),
               "label_noise": float(label_noise),
               "recent_share": None if recent_share is None else float(recent_share),
               "planned_end_dates": bool(planned_end_dates),
               "renamed_skills": float(renamed_skills)}
    rng = np.random.Generator(np.random.PCG64(seed))
    ref = _days(reference_date)
    settings = Settings()
    geo, occ = _geo(), _occupations()
    skills, certs = _vocabularies(settings.fuzzy_cutoff)
    noise = _Noise(rng)
    # ---- the world, vacancies and people (clean attributes); the draw order is fixed
    core, req_p = _occupation_profiles(rng, occ, skills, certs)
    projects = _projects(rng, n_projects, ref, geo)
    n_hist = 0 if n_placements == 0 else max(1, round(n_placements / 1.15))
    vac = _vacancies(rng, n_vacancies, n_hist, projects, ref, geo, occ, core, req_p, skills, certs,
                     recent=None if recent_share is None
                     else (_aux(seed, _STREAM_RECENT), float(recent_share)))
    n_vac = n_vacancies + n_hist
    n_a_slots = int((rng.random(n_placements) < 0.25).sum())
    n_b = 0 if n_placements == 0 else max(1, round(0.55 * n_placements))
    n_a = n_candidates + n_a_slots
    n_cand = n_a + n_b
    current = np.zeros(n_cand, dtype=bool)
    current[rng.permutation(n_cand)[:n_a]] = True
    cand = _candidates(rng, n_cand, current, ref, geo, occ, core, req_p, skills, certs)

    # ---- clean, written and canonical (stripped) tables
    rename = (_aux(seed, _STREAM_RENAME), float(renamed_skills)) if renamed_skills else None
    cand_ids, vac_ids = _ids("C", n_cand), _ids("V", n_vac)
    cand_clean, cand_written, cand_canon = candidate_frames(
        rng, noise, skills, certs, occ, cand, cand_ids, geo, rename)
    pj = projects
    vac_clean, vac_written, vac_canon = vacancy_frames(
        rng, noise, skills, certs, occ, vac, vac_ids, pj["project_id"].to_numpy(), geo, rename)
    coefficients = Coefficients()
    if base_rate_shift:
        coefficients = dataclasses.replace(
            coefficients, intercept=coefficients.intercept + float(base_rate_shift))
    truth = GroundTruth(cand_clean, vac_clean, coefficients=coefficients, settings=settings)

    # ---- history and statuses
    hist = _history(rng, truth, n_placements, ref, vac, current, cand["primary"])
    if label_noise:
        hist = _flip_outcomes(_aux(seed, _STREAM_FLIP), hist, float(label_noise), ref)
    status, vstatus = statuses(rng, hist, current, n_candidates, vac["is_open"])
    for frame in (cand_written, cand_canon, truth.candidates):
        frame["status"] = status
    for frame in (vac_written, vac_canon, truth.vacancies):
        frame["status"] = vstatus
    placement_ids = _ids("P", len(hist["cand"]))
    placements = placements_table(
        rng, hist, vac, cand["hours"], cand_ids, vac_ids, placement_ids, ref,
        _aux(seed, _STREAM_PLANNED) if planned_end_dates else None)
    value_j = _open_position_values(vac, status, cand["group"], cand["benefit"], len(pj),
                                    settings)
    if obligations == "binding":
        pj = _bind_obligations(_aux(seed, _STREAM_BINDING), pj, value_j, settings)
    coverage = _coverage_stats(pj, value_j, settings)
    proj_out = projects_table(pj)

    # ---- the training planner's tables, from their own streams (the rest is drawn)
    courses = _courses(_aux(seed, _STREAM_COURSES), n_courses, ref, skills, certs)
    tenders = _tenders(_aux(seed, _STREAM_TENDERS), n_tenders, ref, geo, occ,
                       occ.isco[vac["occ"][vac["is_open"]]])

    written = {
        "candidates": cand_written.assign(postcode=_pc6(rng, cand["postcode"], 0.1)),
        "projects": proj_out,
        "vacancies": vac_written.assign(postcode=_pc6(rng, vac["postcode"], 0.05)),
        "placements": placements,
        "courses": courses,
        "tenders": tenders,
    }
    dataset = Dataset(
        candidates=_canonical(CANDIDATES, cand_canon),
        projects=_canonical(PROJECTS, proj_out),
        vacancies=_canonical(VACANCIES, vac_canon),
        placements=_canonical(PLACEMENTS, placements),
        valuation=_canonical(VALUATION, reference.default_valuation()),
        courses=_canonical(COURSES, courses),
        tenders=_canonical(TENDERS, tenders),
    )
    outcomes, stats = outcomes_and_stats(hist, placement_ids, cand_ids, vac_ids, ref, settings,
                                         coverage)
    manifest = {
        "generator": "matching.sample",  # a stable name, not the module path (manifests in the wild)
        "generator_version": GENERATOR_VERSION,
        "seed": int(seed),
        "reference_date": str(np.datetime64(ref, "D")),
        "extraction_date": str(np.datetime64(ref, "D")),
        "sizes": {"n_candidates": int(n_candidates), "n_vacancies": int(n_vacancies),
                  "n_projects": int(n_projects), "n_placements": int(n_placements),
                  "n_courses": int(n_courses), "n_tenders": int(n_tenders)},
        "options": options,
        "rows": {name: len(frame) for name, frame in written.items()},
        "horizon_months": settings.horizon_months,
        "truth": "matching.ground_truth.GroundTruth",
        "coefficients": truth.coefficients.as_dict(),
        "stats": stats,
    }
    return SampleData(dataset=dataset, truth=truth, manifest=manifest, written=written,
                      outcomes=outcomes)


def load_truth(data_dir: str | Path) -> GroundTruth | None:
    """The ground truth of a sample folder written by :func:`write_sample`, else ``None``.

    Regenerates the sample from the seed and sizes in ``manifest.json``. Returns ``None``
    when the folder has no (readable) manifest, was made by another generator version, or
    when any table differs from the fingerprint in the manifest (the files were edited).
    The four tables of the truth (candidates, projects, vacancies, placements) must be
    listed; ``courses`` and ``tenders`` are checked when the manifest lists them (a folder
    written before they were added still has its truth).
    """
    folder = Path(data_dir)
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        if (manifest.get("generator") != "matching.sample"
                or manifest.get("generator_version") != GENERATOR_VERSION):
            return None
        files = manifest["files"]
        listed = [f"{t}.csv" for t in TABLE_FILES
                  if t in _TRUTH_TABLES or f"{t}.csv" in files]
        for name in listed:
            if _sha256((folder / name).read_bytes()) != files[name]:
                return None
        sizes = {k: int(v) for k, v in manifest["sizes"].items()}
        options = dict(manifest.get("options") or {})
        sample = generate(**sizes, seed=int(manifest["seed"]),
                          reference_date=str(manifest["reference_date"]), **options)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    rendered = render_tables(sample)
    if any(_sha256(rendered[name]) != files[name] for name in listed):
        return None
    return sample.truth
