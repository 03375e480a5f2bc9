"""The model report (HTML + PNG plots + metrics JSON) and the model card, in Dutch or English.

:func:`write_report` renders ``templates/model_report.html`` with jinja2 and writes, next to it,
``reliability.png`` (model, logistic baseline and — for sample data — the oracle),
``score_histogram.png``, ``permutation_importance.png`` (permutation importance of the model
fitted on the training split, measured on the test split, in ROC AUC) and ``metrics.json``.
:func:`render_model_card` writes the model card from a model's metadata.
"""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from features.spec import FEATURE_NAMES, spec
from matching.texts import format as fmt

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from matching.model.training import TrainResult

__all__ = [
    "LABELS",
    "permutation_importances",
    "plot_importance",
    "plot_reliability",
    "plot_score_histogram",
    "render_model_card",
    "write_report",
]

LABELS: dict[str, dict[str, str]] = {
    "nl": {
        "title": "Rapport scoringsmodel duurzame plaatsing",
        "version": "Versie", "as_of": "Peildatum", "horizon": "Horizon", "months": "maanden",
        "human_decides": "Het model doet voorstellen; een mens beslist. Scores zijn kansen op een "
                         "duurzame plaatsing, geen oordeel over personen.",
        "data": "Gegevens", "metrics": "Kwaliteit op de testperiode", "metric": "Maat",
        "model": "Model", "baseline": "Logistische basislijn", "oracle": "Orakel (ware kans)",
        "metrics_note": "Gemeten op de latere testperiode met modellen die alleen op de "
                        "eerdere periode zijn getraind; ECE met 10 kwantielbakken.",
        "reliability": "Betrouwbaarheidscurve", "histogram": "Verdeling van de scores",
        "importance": "Permutatie-belang (daling ROC AUC)",
        "fairness": "Eerlijkheidsaudit",
        "fairness_note": "Beschermde kenmerken worden alleen voor deze audit gebruikt, nooit als "
                         "modelinvoer. Waarschuwing bij een kalibratiefout boven 0,05 én boven "
                         "twee standaardfouten in een groep van minstens 30 plaatsingen; "
                         "groepen onder 10 tonen alleen n.",
        "no_warnings": "Geen waarschuwingen.",
        "attribute": "Kenmerk", "group": "Groep", "mean_score": "Gem. score",
        "observed_rate": "Waargenomen duurzaam", "calibration_error": "Kalibratiefout",
        "gap_ci": "Verschil score − waargenomen [95%-interval]",
        "gap_line": "{attribute} {group} (n = {n}): score {gap} procentpunt t.o.v. waargenomen, 95%-interval [{low}; {high}]; {why}",
        "gap_noise": "het interval reikt tot binnen 5 punten: verenigbaar met toeval in een groep van deze omvang",
        "gap_real": "het interval ligt geheel buiten 5 punten: een echte afwijking; het model leert geen groepskenmerk, dus de oorzaak ligt in kenmerken die in deze groep anders uitwerken. Controleer de kalibratie van deze groep na de volgende hertraining",
        "mean_predicted": "Gemiddelde voorspelde kans", "observed": "Waargenomen aandeel duurzaam",
        "perfect": "Perfect gekalibreerd", "score": "Score", "count": "Aantal plaatsingen",
        "durable": "duurzaam", "not_durable": "niet duurzaam",
        "importance_axis": "Daling ROC AUC",
        "as_of_reason": "Peildatum gekozen", "sanity": "Controles bij gebruik",
        "sanity_ok": "Alle controles in orde: geen verzadiging, voorspelde duurzaamheid past bij de historie, geen sterke verschuiving van kenmerken waar het model op leunt.",
        "sanity_none": "Geen actuele pool (beschikbare kandidaten × open vacatures) om te controleren.",
        "pool_pairs": "Paren in de actuele pool", "base_rate": "Historisch aandeel duurzaam",
        "pool_rate": "Gemiddelde voorspelde kans in de pool", "saturated": "Aandeel paren boven 95%",
        "feature": "Kenmerk",
        "sanity_note": "PSI: verschuiving van de verdeling tussen trainingsplaatsingen (binnen bereik, certificaten compleet) en de beste 5 paren per open vacature; een waarschuwing bij PSI > 0,25 én een verschuiving van het gemiddelde van meer dan één standaardafwijking, voor kenmerken waar het model op leunt.",
        "comparison": "Nieuw model tegen het actieve model", "active": "actief", "new": "nieuw",
        "weak_skills": "In deze plaatsingshistorie voorspellen vaardigheden de duurzaamheid nauwelijks (permutatie-belang {value} tegen {top} voor {top_name}): een hoge kans met weinig gevraagde vaardigheden is wat de data zegt, geen fout.",
        "metrics_cv": "Kwaliteit over voortschrijdende tijdsvensters",
        "metrics_cv_note": "Gepoolde voorspellingen van modellen die telkens alleen op eerdere "
                           "plaatsingen zijn getraind en op de volgende periode getoetst; een "
                           "grotere steekproef dan de ene testperiode, dus een betrouwbaardere "
                           "kalibratiemaat. ece_floor: de ECE die een perfect gekalibreerd model "
                           "bij deze omvang gemiddeld zou halen.",
    },
    "en": {
        "title": "Durable-placement scoring model report",
        "version": "Version", "as_of": "As of", "horizon": "Horizon", "months": "months",
        "human_decides": "The model proposes; a person decides. Scores are probabilities of a "
                         "durable placement, not judgements of people.",
        "data": "Data", "metrics": "Quality on the test period", "metric": "Metric",
        "model": "Model", "baseline": "Logistic baseline", "oracle": "Oracle (true probability)",
        "metrics_note": "Measured on the later test period with models trained on the earlier "
                        "period only; ECE with 10 quantile bins.",
        "reliability": "Reliability curve", "histogram": "Score distribution",
        "importance": "Permutation importance (drop in ROC AUC)",
        "fairness": "Fairness audit",
        "fairness_note": "Protected attributes are used for this audit only, never as model "
                         "inputs. Warning when a group of at least 30 placements has a "
                         "calibration error above 0.05 and above two standard errors; groups "
                         "below 10 show n only.",
        "no_warnings": "No warnings.",
        "attribute": "Attribute", "group": "Group", "mean_score": "Mean score",
        "observed_rate": "Observed durable", "calibration_error": "Calibration error",
        "gap_ci": "Score − observed [95% interval]",
        "gap_line": "{attribute} {group} (n = {n}): score {gap} points against observed, 95% interval [{low}, {high}]; {why}",
        "gap_noise": "the interval reaches within 5 points: consistent with chance at this group size",
        "gap_real": "the interval lies wholly beyond 5 points: a real deviation; the model learns no group attribute, so the cause lies in features that work out differently in this group. Check this group's calibration after the next retraining",
        "mean_predicted": "Mean predicted probability", "observed": "Observed durable share",
        "perfect": "Perfectly calibrated", "score": "Score", "count": "Placements",
        "durable": "durable", "not_durable": "not durable",
        "importance_axis": "Drop in ROC AUC",
        "as_of_reason": "Reference date chosen", "sanity": "Checks at serving time",
        "sanity_ok": "All checks pass: no saturation, the predicted durable rate fits the history, no strong shift of features the model relies on.",
        "sanity_none": "No current pool (available candidates × open vacancies) to check.",
        "pool_pairs": "Pairs in the current pool", "base_rate": "Historic durable rate",
        "pool_rate": "Mean predicted probability in the pool", "saturated": "Share of pairs above 95%",
        "feature": "Feature",
        "sanity_note": "PSI: distribution shift between training placements (within reach, certificates complete) and the best 5 pairs of each open vacancy; a warning at PSI > 0.25 and a mean shift of more than one standard deviation, for features the model relies on.",
        "comparison": "New model against the active model", "active": "active", "new": "new",
        "weak_skills": "In this placement history, skills barely predict durability (permutation importance {value} against {top} for {top_name}): a high chance with few of the required skills is what the data says, not an error.",
        "metrics_cv": "Quality over rolling time windows",
        "metrics_cv_note": "Pooled predictions of models each trained only on earlier placements "
                           "and tested on the next period: a larger sample than the single test "
                           "period, so a more reliable calibration measure. ece_floor: the ECE a "
                           "perfectly calibrated model would show on average at this size.",
    },
}

_METRICS = ("n", "base_rate", "mean_score", "roc_auc", "average_precision", "brier", "ece",
            "precision_at_k", "ndcg_at_k", "precision_at_1", "n_vacancies", "k")


def _t(lang: str) -> dict[str, str]:
    if lang not in LABELS:
        raise ValueError(f"lang must be one of {tuple(LABELS)}, got {lang!r}")
    return LABELS[lang]


def _fmt(value: Any, lang: str = "nl") -> str:
    """A statistic or count of the report and the card (:func:`matching.texts.format.metric`)."""
    return fmt.metric(value, lang)


def _points(share: float, lang: str) -> str:
    """A difference of shares (0-1) in signed percentage points with one decimal: ``+6,6``."""
    return fmt.number(100 * share, lang, 1, sign=True)


def _day(value: Any, lang: str, unknown: Any = "") -> Any:
    """A reference date as the checks line writes it (``2026-11-01``); ``unknown`` if absent."""
    return fmt.date(value, lang) if value else (unknown if value is None else value)


def _figure() -> tuple[Figure, Any]:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6.4, 4.2), dpi=100)
    return fig, fig.add_subplot()


def plot_reliability(result: TrainResult, lang: str = "nl") -> Figure:
    """Reliability curves of model, baseline and (when known) oracle on the test split."""
    t = _t(lang)
    fig, ax = _figure()
    ax.plot([0, 1], [0, 1], ls="--", color="grey", label=t["perfect"])
    for name, curve in result.reliability.items():
        ece = result.metrics[name]["ece"]
        ax.plot(curve["mean_score"], curve["observed_rate"], marker="o",
                label=f"{t[name]} (ECE {_fmt(ece, lang)})")
    ax.set_xlabel(t["mean_predicted"])
    ax.set_ylabel(t["observed"])
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    return fig


def plot_score_histogram(result: TrainResult, lang: str = "nl") -> Figure:
    """Histogram of test scores, split by outcome."""
    t = _t(lang)
    fig, ax = _figure()
    test = result.test
    bins = np.linspace(0, 1, 21)
    ax.hist([test.loc[test["label"] == 1, "score"], test.loc[test["label"] == 0, "score"]],
            bins=bins, stacked=True, label=[t["durable"], t["not_durable"]])
    ax.set_xlabel(t["score"])
    ax.set_ylabel(t["count"])
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def permutation_importances(
    result: TrainResult, *, n_repeats: int = 5, seed: int = 0, lang: str = "en"
) -> pd.DataFrame:
    """Permutation importance (drop in ROC AUC) of each feature on the test split."""
    from sklearn.inspection import permutation_importance

    from matching.model.scoring import limited_threads

    X = result.test.loc[:, list(FEATURE_NAMES)]
    y = result.test["label"].to_numpy()
    with limited_threads(1):
        imp = permutation_importance(result.eval_pipeline, X, y, scoring="roc_auc",
                                     n_repeats=n_repeats, random_state=seed)
    label = "label_nl" if lang == "nl" else "label_en"
    frame = pd.DataFrame({
        "feature": list(FEATURE_NAMES),
        "label": [getattr(spec(n), label) for n in FEATURE_NAMES],
        "importance": imp.importances_mean,
        "std": imp.importances_std,
    })
    return frame.sort_values("importance", ascending=False, kind="stable").reset_index(drop=True)


def plot_importance(importances: pd.DataFrame, lang: str = "nl") -> Figure:
    """Horizontal bar chart of permutation importances."""
    t = _t(lang)
    fig, ax = _figure()
    data = importances.iloc[::-1]
    ax.barh(data["label"], data["importance"], xerr=data["std"], color="tab:blue")
    ax.set_xlabel(t["importance_axis"])
    ax.tick_params(axis="y", labelsize=7)
    fig.tight_layout()
    return fig


def write_report(
    result: TrainResult, out_dir: str | Path, *, lang: str = "nl", version: str | None = None
) -> Path:
    """Write ``report.html``, three PNG plots and ``metrics.json`` into ``out_dir``."""
    import jinja2

    t = _t(lang)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    importances = permutation_importances(result, lang=lang)
    for name, fig in (
        ("reliability.png", plot_reliability(result, lang)),
        ("score_histogram.png", plot_score_histogram(result, lang)),
        ("permutation_importance.png", plot_importance(importances, lang)),
    ):
        fig.savefig(out / name)
    metrics_doc = {
        "metrics": result.metrics,
        "counts": result.counts,
        "fairness_warnings": list(result.fairness.warnings),
        "permutation_importance": importances[["feature", "importance", "std"]]
        .to_dict(orient="records"),
    }
    (out / "metrics.json").write_text(
        json.dumps(metrics_doc, indent=2, default=lambda v: None if v != v else float(v)),
        encoding="utf-8",
    )
    template_text = files("matching.reports").joinpath("templates/model_report.html").read_text("utf-8")
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    html = env.from_string(template_text).render(
        t=t, lang=lang, version=version, as_of=_day(result.as_of, lang),
        horizon=result.params.get("horizon_months"),
        counts={k: _fmt(v, lang) for k, v in result.counts.items()},
        scorers=list(result.metrics), metrics=result.metrics,
        metric_names=[m for m in _METRICS if m in result.metrics["model"]],
        cv_metrics=getattr(result, "cv_metrics", None) or {},
        cv_metric_names=[m for m in (*_METRICS, "ece_floor", "ece_floor_q95")
                         if m in (getattr(result, "cv_metrics", None) or {}).get("model", {})],
        fairness=[{**row, "n": _fmt(row.get("n"), lang)}
                  for row in result.fairness.table.to_dict(orient="records")],
        warnings=result.fairness.warnings, fmt=lambda v: _fmt(v, lang),
        history=getattr(result, "history", None) or {},
        as_of_text=_as_of_text(getattr(result, "history", None) or {}, lang),
        history_text=_history_text(getattr(result, "history", None) or {}, lang),
        sanity=getattr(result, "sanity", None),
        comparison=getattr(result, "comparison", None),
        importance_notes=importance_notes(getattr(result, "importance", None) or {}, lang),
    )
    path = out / "report.html"
    path.write_text(html, encoding="utf-8")
    return path


WEAK_IMPORTANCE_RATIO = 0.10
"""Skills "barely predict" when their importance (required + preferred, negatives as 0) is
below this share of the top feature's; the same rule as the shortlist's note
(``matching.workflows.shortlist.SKILL_IMPORTANCE_RATIO``)."""


def importance_notes(importance: dict[str, float], lang: str = "nl") -> list[str]:
    """Plain statements about what the history says, e.g. that skills barely predict."""
    if not importance:
        return []
    top_name, top = max(importance.items(), key=lambda kv: kv[1])
    skills = (max(importance.get("required_skill_coverage", 0.0), 0.0)
              + max(importance.get("preferred_skill_coverage", 0.0), 0.0))
    if top <= 0 or skills >= WEAK_IMPORTANCE_RATIO * top:
        return []
    label = getattr(spec(top_name), f"label_{lang}" if lang in ("nl", "en") else "label_en")
    return [_t(lang)["weak_skills"].format(value=_fmt(skills, lang), top=_fmt(top, lang),
                                            top_name=label)]


def _as_of_text(history: dict[str, Any], lang: str) -> str:
    from matching.model.labels import AsOf

    if not history:
        return ""
    date = None if history.get("as_of") is None else pd.Timestamp(history["as_of"])
    return AsOf(date, history.get("reason", "")).describe(lang)


def _history_text(history: dict[str, Any], lang: str) -> str:
    from matching.texts.i18n import text

    if not history:
        return ""
    return text("history_line", lang, **{k: _fmt(history.get(k, 0), lang) for k in (
        "labelled", "censored", "future_end_dates", "starts_after_as_of")})


_CARD = {
    "nl": """# Modelkaart: duurzame plaatsing {version}

## Beoogd gebruik
Het model schat voor een kandidaat en een SROI-vacature de kans dat de plaatsing duurzaam is
(na {horizon} maanden nog in dienst). Accountmanagers en coördinatoren gebruiken de kans om
shortlists te ordenen en plaatsingen regionaal te verdelen.
**Het model doet voorstellen; een mens beslist.** De werkgever kiest wie hij aanneemt. Elke
score komt met een uitleg.

Niet bedoeld voor: het beoordelen, uitsluiten of sanctioneren van personen, of beslissingen
over uitkeringen.

## Gegevens
Plaatsingshistorie tot peildatum {as_of}: {total} plaatsingen, waarvan {censored} nog zonder
bekende uitkomst (gecensureerd, niet meegeteld als negatief). Getraind op {train} plaatsingen,
getest op {test} latere plaatsingen (tijdsgesplitst, per kandidaat gegroepeerd). Het
geregistreerde model is daarna op alle {final} plaatsingen met bekende uitkomst opnieuw getraind.
Vingerafdruk van de trainingsdata: `{fingerprint}`.

Beschermde kenmerken (leeftijd, geboortejaar, woongemeente, provincie, geslacht, nationaliteit)
zijn **geen** invoer van het model; ze dienen alleen voor de eerlijkheidsaudit.

## Kwaliteit (testperiode)
{metrics}

## Eerlijkheid
{fairness}

## Controles
{checks}

## Beperkingen
- De uitkomstdefinitie (nog in dienst na {horizon} maanden) meet duurzaamheid, niet de kwaliteit
  van werk of welzijn.
- Het model leert van eerdere plaatsingen: wie nooit geplaatst werd, ontbreekt in de historie
  (selectie-effect).
- Scores zijn gekalibreerd op de regio en periode van de trainingsdata; controleer de
  kalibratie na elke hertraining.
- Ontbrekende gegevens (opleiding, taalniveau) worden meegenomen, maar verlagen de zekerheid.

Model: {model}. Bibliotheken: {libraries}.
""",
    "en": """# Model card: durable placement {version}

## Intended use
The model estimates, for a candidate and an SROI vacancy, the probability that the placement
is durable (still employed after {horizon} months). Account managers and coordinators use it to
order shortlists and to assign placements across the region.
**The model proposes; a person decides.** The employer chooses whom to hire. Every score comes
with an explanation.

Not intended for: assessing, excluding or sanctioning people, or decisions about benefits.

## Data
Placement history up to {as_of}: {total} placements, of which {censored} have no known outcome
yet (censored, not counted as negatives). Trained on {train} placements, tested on {test} later
placements (time-aware split, grouped by candidate). The registered model was then refitted on
all {final} placements with a known outcome. Training-data fingerprint: `{fingerprint}`.

Protected attributes (age, birth year, home municipality, province, gender, nationality) are
**not** model inputs; they are used for the fairness audit only.

## Quality (test period)
{metrics}

## Fairness
{fairness}

## Checks
{checks}

## Limits
- The outcome (still employed after {horizon} months) measures durability, not job quality or
  well-being.
- The model learns from past placements: people who were never placed are missing from the
  history (selection bias).
- Scores are calibrated to the region and period of the training data; check calibration after
  every retraining.
- Missing data (education, language level) is handled, but lowers certainty.

Model: {model}. Libraries: {libraries}.
""",
}


def render_model_card(metadata: dict[str, Any], lang: str = "nl") -> str:
    """The model card (Markdown) of a registered model, from its metadata."""
    t = _t(lang)
    metrics = metadata.get("metrics", {})
    scorers = list(metrics)
    lines = ["| " + t["metric"] + " | " + " | ".join(t[s] for s in scorers) + " |",
             "|---" * (len(scorers) + 1) + "|"]
    for m in ("roc_auc", "average_precision", "brier", "ece", "precision_at_k", "ndcg_at_k",
              "precision_at_1"):
        if any(m in metrics[s] for s in scorers):
            lines.append(f"| {m} | " + " | ".join(_fmt(metrics[s].get(m), lang) for s in scorers) + " |")
    fairness = metadata.get("fairness", {})
    warnings = fairness.get("warnings", [])
    fair_text = ("\n".join(f"- ⚠ {w}" for w in warnings) if warnings else t["no_warnings"])
    for row in fairness.get("table", []):
        gap, low, high = row.get("gap"), row.get("gap_low"), row.get("gap_high")
        if not row.get("evaluated") or gap is None or low is None or abs(gap) <= 0.05:
            continue
        fair_text += "\n- " + t["gap_line"].format(
            attribute=row["attribute"], group=row["group"], n=_fmt(row["n"], lang),
            gap=_points(gap, lang), low=_points(low, lang), high=_points(high, lang),
            why=t["gap_noise"] if low <= 0.05 and high >= -0.05 else t["gap_real"])
    fair_text += "\n\n" + t["fairness_note"]
    counts = metadata.get("counts", {})
    params = metadata.get("parameters", {})
    return _CARD.get(lang, _CARD["en"]).format(
        version=metadata.get("version", ""),
        horizon=params.get("horizon_months", "?"),
        as_of=_day(metadata.get("as_of"), lang, "?"),
        total=_fmt(counts.get("placements_total", "?"), lang),
        censored=_fmt(counts.get("censored", "?"), lang),
        train=_fmt(counts.get("train", "?"), lang),
        test=_fmt(counts.get("test", "?"), lang),
        final=_fmt(counts.get("final", "?"), lang),
        fingerprint=str(metadata.get("training_data_fingerprint", ""))[:16],
        metrics="\n".join(lines),
        fairness=fair_text,
        model=f"CalibratedClassifierCV({params.get('calibration')}, {params.get('cv')}) over "
              "HistGradientBoostingClassifier with monotone constraints",
        libraries=", ".join(f"{k} {v}" for k, v in metadata.get("libraries", {}).items()),
        checks=_card_checks(metadata, lang),
    )


def _card_checks(metadata: dict[str, Any], lang: str) -> str:
    """The model card's checks: reference date, sanity, comparison, what the data says."""
    t = _t(lang)
    lines = []
    history = metadata.get("history") or {}
    if history:
        lines.append(f"- {t['as_of_reason']}: {_as_of_text(history, lang)}. "
                     f"{_history_text(history, lang)}.")
    sanity = metadata.get("sanity")
    if sanity is None:
        lines.append(f"- {t['sanity_none']}")
    elif sanity.get("warnings"):
        lines += [f"- ⚠ {w.get('message_' + lang, w.get('message_en'))}"
                  for w in sanity["warnings"]]
    else:
        lines.append(f"- {t['sanity_ok']}")
    comparison = metadata.get("comparison_with_active")
    if comparison:
        if comparison.get("metrics"):
            auc = comparison["metrics"].get("roc_auc", {})
            lines.append(f"- {t['comparison']} {comparison['active_version']}: ROC AUC "
                         f"{_fmt(auc.get('active'), lang)} → {_fmt(auc.get('new'), lang)} "
                         f"(n = {_fmt(comparison.get('n_compared'), lang)}; {comparison.get('note')})")
        else:
            lines.append(f"- {t['comparison']} {comparison.get('active_version')}: "
                         f"{comparison.get('note')}")
    lines += [f"- {note}" for note in importance_notes(metadata.get("importance") or {}, lang)]
    return "\n".join(lines)
