"""The analyst's pages: model versions, one version's charts and comparison, training, promotion.

No role rule and no matching logic here: :func:`services_extra.list_models` (view),
:func:`services_extra.promote_model` and :func:`runs.start_run` ask
:func:`matching.web.permissions.require`; the registry gives the numbers. Charts are the PNGs
the model report wrote into the version's folder when they exist (served by
:func:`model_asset` from a fixed list of names), else inline SVG drawn here from the
metadata's numbers with presentation attributes only (the CSP allows no inline style).
"""

from __future__ import annotations

import math
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from matching.web import engine, runs, services, services_extra

ASSETS = {  # the files the model report writes into a version's folder, and their types
    "reliability.png": "image/png",
    "score_histogram.png": "image/png",
    "permutation_importance.png": "image/png",
    "report.html": "text/html; charset=utf-8",
}
COMPARED = ("roc_auc", "average_precision", "brier", "ece", "precision_at_k", "ndcg_at_k",
            "precision_at_1", "mean_score", "base_rate", "n")
LOWER_IS_BETTER = frozenset({"brier", "ece"})
ATTRIBUTES = ("target_group", "age_band", "municipality", "province")


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def _known_version(request: HttpRequest, version: str) -> list[dict[str, Any]]:
    """The model list (the role check is the service's); 404 for an unknown version."""
    listed = services_extra.list_models(request.user)
    if version not in {m["version"] for m in listed}:
        raise Http404("no such model version")
    return listed


# ----------------------------------------------------------------------------- list, train


@login_required
@require_http_methods(["GET"])
def models(request: HttpRequest) -> HttpResponse:
    """Every version with its test metrics; the training form; a queued run's progress."""
    listed = services_extra.list_models(request.user)
    run = None
    run_id = request.GET.get("run", "")
    if run_id.isdigit():
        try:
            run = runs.run_status(request.user, int(run_id))
        except services.NotFound:
            run = None
    return render(request, "pages/an_models.html", {
        "models": list(reversed(listed)), "run": run, "errors": {},
        "form": {"as_of": "", "horizon_months": ""},
    })


@login_required
@require_POST
def model_train(request: HttpRequest) -> HttpResponse:
    """Queue a training run (the worker trains a new version; it is not promoted)."""
    form = {"as_of": request.POST.get("as_of", "").strip()[:20],
            "horizon_months": request.POST.get("horizon_months", "").strip()[:10]}
    params: dict[str, Any] = {}
    errors: dict[str, str] = {}
    if form["as_of"]:
        params["as_of"] = form["as_of"]
    if form["horizon_months"]:
        try:
            params["horizon_months"] = int(form["horizon_months"])
        except ValueError:
            errors["horizon_months"] = "a whole number"
    if not errors:
        try:
            run = runs.start_run(request.user, "train", params)
        except services.FieldError as exc:
            errors = exc.errors
        else:
            return HttpResponseRedirect(f"{reverse('models')}?run={run.pk}")
    listed = services_extra.list_models(request.user)
    return render(request, "pages/an_models.html", {
        "models": list(reversed(listed)), "run": None, "form": form,
        "errors": {k: f"an_error_{k}" if k in ("as_of", "horizon_months", "data")
                   else "an_error_train" for k in errors},
    }, status=422)


# ----------------------------------------------------------------------------- one version


def _svg_calibration(points: list[dict[str, Any]]) -> dict[str, Any]:
    """Predicted against observed rate, one dot per group (and the overall test split)."""
    size, pad = 320, 40
    inner = size - 2 * pad
    dots = []
    for p in points:
        x, y = _number(p["predicted"]), _number(p["observed"])
        if x is None or y is None:
            continue
        dots.append({"cx": round(pad + x * inner, 1), "cy": round(size - pad - y * inner, 1),
                     "r": 6 if p.get("overall") else 4,
                     "fill": "#01689b" if p.get("overall") else "#8fcae7",
                     "stroke": "#e17000" if p.get("warning") else "#154273",
                     "label": p["label"], "predicted": x, "observed": y})
    ticks = [{"v": v, "pos": round(pad + v * inner, 1), "rpos": round(size - pad - v * inner, 1),
              "text": f"{round(v * 100)}%"} for v in (0, 0.25, 0.5, 0.75, 1)]
    return {"size": size, "pad": pad, "end": size - pad, "dots": dots, "ticks": ticks,
            "label_x": size / 2, "label_y": size - 6}


def _svg_gaps(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Mean score minus observed rate per group, with its interval; zero is calibrated."""
    label_w, bar_w, row_h, top = 170, 300, 22, 28
    values = [abs(v) for r in rows for v in (_number(r.get("gap_low")), _number(r.get("gap_high")),
                                               _number(r.get("gap"))) if v is not None]
    scale = math.ceil(max([0.1, *values]) * 10 - 1e-9) / 10  # 10, 20, ... points
    mid = label_w + bar_w / 2

    def x(v: float) -> float:
        return round(mid + v / scale * (bar_w / 2), 1)

    bars = []
    for i, r in enumerate(rows):
        gap = _number(r.get("gap"))
        if gap is None:
            continue
        y = top + i * row_h
        low, high = _number(r.get("gap_low")), _number(r.get("gap_high"))
        bars.append({"y": y, "text_y": y + 15, "x": min(x(0), x(gap)),
                     "width": max(round(abs(x(gap) - x(0)), 1), 1), "height": 14,
                     "fill": "#e17000" if r.get("warning") else "#01689b",
                     "low": x(low) if low is not None else None,
                     "high": x(high) if high is not None else None, "mid_y": y + 7,
                     "label": str(r.get("group", ""))[:28], "gap": gap})
    height = top + len(bars) * row_h + 24
    ticks = [{"pos": x(v), "text": f"{round(v * 100):+d}" if v else "0"}
             for v in (-scale, -scale / 2, 0, scale / 2, scale)]
    return {"width": label_w + bar_w + 20, "height": height, "bars": bars, "ticks": ticks,
            "zero": x(0), "top": top - 6, "bottom": height - 20, "tick_y": height - 6,
            "label_x": label_w - 6}


def _fairness(meta: dict[str, Any]) -> list[dict[str, Any]]:
    table = [r for r in (meta.get("fairness") or {}).get("table") or [] if r.get("evaluated", True)]
    groups = []
    for attribute in sorted({str(r.get("attribute")) for r in table},
                            key=lambda a: (ATTRIBUTES.index(a) if a in ATTRIBUTES else 99, a)):
        rows = [r for r in table if str(r.get("attribute")) == attribute]
        groups.append({"attribute": attribute,
                       "label_key": f"an_attr_{attribute}" if attribute in ATTRIBUTES else "",
                       "rows": rows, "chart": _svg_gaps(rows),
                       "warnings": sum(bool(r.get("warning")) for r in rows)})
    return groups


def _comparison(version: str, active: str | None) -> list[dict[str, Any]]:
    if not active or active == version:
        return []
    frame = engine.registry().compare(active, version)
    rows = []
    for record in frame.to_dict("records"):
        if record["metric"] not in COMPARED or record["scorer"] == "oracle":
            continue
        a, b, diff = (_number(record.get(active)), _number(record.get(version)),
                      _number(record.get("difference")))
        better = None
        if diff is not None and diff != 0 and record["metric"] not in ("n", "base_rate",
                                                                       "mean_score"):
            better = (diff < 0) if record["metric"] in LOWER_IS_BETTER else (diff > 0)
        rows.append({"scorer": record["scorer"], "metric": record["metric"], "active": a,
                     "candidate": b, "difference": diff, "better": better,
                     "decimals": 0 if record["metric"] == "n" else 3})
    order = {m: i for i, m in enumerate(COMPARED)}
    return sorted(rows, key=lambda r: (r["scorer"] != "model", order[r["metric"]]))


@login_required
@require_http_methods(["GET", "POST"])
def model(request: HttpRequest, version: str) -> HttpResponse:
    """One version: metrics, calibration and fairness charts, the comparison with the active
    version and (POST) promotion with a reason."""
    listed = _known_version(request, version)
    errors: dict[str, str] = {}
    reason = ""
    status = 200
    if request.method == "POST":
        reason = request.POST.get("reason", "")[:500]
        try:
            services_extra.promote_model(request.user, version, reason)
        except services.FieldError as exc:
            errors = {k: "an_error_reason" if k == "reason" else "an_error_promote"
                      for k in exc.errors}
            status = 422
        except services.NotFound as exc:
            raise Http404(str(exc)) from exc
        else:
            return HttpResponseRedirect(reverse("model", args=[version]) + "?promoted=1")
    registry = engine.registry()
    meta = registry.show(version)
    active = registry.active()
    summary = next(m for m in listed if m["version"] == version)
    metrics = meta.get("metrics") or {}
    folder = registry.path / version
    present = {name for name in ASSETS if (folder / name).is_file()
               and not (folder / name).is_symlink()}
    model_m = metrics.get("model") or {}
    points = [{"label": f"{r.get('attribute')}: {r.get('group')}", "predicted": r.get("mean_score"),
               "observed": r.get("observed_rate"), "warning": bool(r.get("warning"))}
              for r in (meta.get("fairness") or {}).get("table") or [] if r.get("evaluated", True)]
    points.append({"label": "test", "predicted": model_m.get("mean_score"),
                   "observed": model_m.get("base_rate"), "overall": True})
    scorers = [{"name": name, "values": metrics[name]}
               for name in ("model", "baseline", "oracle") if name in metrics]
    return render(request, "pages/an_model.html", {
        "version": version, "summary": summary, "meta": meta, "active": active,
        "is_active": version == active, "scorers": scorers,
        "metric_rows": [{"name": m, "values": [_number(sc["values"].get(m)) for sc in scorers]}
                        for m in COMPARED if m != "n"],
        "assets": {name.replace(".", "_"): reverse("model_asset", args=[version, name])
                   for name in present},
        "calibration": _svg_calibration(points),
        "fairness": _fairness(meta),
        "fairness_warnings": (meta.get("fairness") or {}).get("warnings") or [],
        "comparison": _comparison(version, active),
        "errors": errors, "reason": reason, "promoted": request.GET.get("promoted") == "1",
        "counts": meta.get("counts") or {},
    }, status=status)


@login_required
@require_http_methods(["GET"])
def model_asset(request: HttpRequest, version: str, name: str) -> HttpResponse:
    """A chart image or the HTML report the model report wrote (a fixed list of names)."""
    if name not in ASSETS:
        raise Http404("not a model document")
    _known_version(request, version)
    registry = engine.registry()
    folder = (registry.path / version).resolve()
    path = folder / name
    if path.is_symlink() or not path.is_file() or path.resolve().parent != folder:
        raise Http404("not a model document")
    response = FileResponse(open(path, "rb"), content_type=ASSETS[name])  # noqa: SIM115
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response
