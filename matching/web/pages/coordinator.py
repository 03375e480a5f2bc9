"""The coordinator's pages: start a regional assignment run, follow it, read and approve it.

No matching logic and no role rule here: every page calls :mod:`matching.web.runs` (and
:func:`matching.web.services.decide` for one proposal), which checks the role and writes the
audit entry; :class:`~matching.web.permissions.Denied` becomes Django's 403 page. The charts
are inline SVG drawn by the templates from the geometry the helpers below compute from the
run's own numbers (its summary, ``project_coverage.csv`` and ``municipality_flows.csv``).
"""

from __future__ import annotations

import csv
import io
import math
from datetime import date
from pathlib import Path
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from matching.texts.format import eur, number, percent
from matching.texts.pages import PAGE_TEXTS, page_text
from matching.web import runs as run_service
from matching.web.models import Proposal, Run
from matching.web.permissions import Action, allowed, require
from matching.web.services import FieldError, NotFound, decide

ACTIVE = (Run.Status.QUEUED, Run.Status.RUNNING)
BASELINES = ("optimal", "greedy", "local_only", "sequential")
MAX_PAIRS_BYTES = 2_000_000  # an uploaded CSV of pairs larger than this is refused


def _lang(request: HttpRequest) -> str:
    return getattr(request, "LANGUAGE_CODE", "nl")


def _status(request: HttpRequest, run_id: int) -> dict[str, Any]:
    try:
        return run_service.run_status(request.user, run_id)
    except NotFound as exc:
        raise Http404(str(exc)) from None


# ----------------------------------------------------------------------------- the form


def _decimal(text: str) -> Any:
    """A typed number (decimal comma allowed, ``20%`` is 0.2); the text itself when it is none,
    so that the service reports the field."""
    raw = text.strip().replace(",", ".")
    scale = 1.0
    if raw.endswith("%"):
        raw, scale = raw[:-1].strip(), 0.01
    try:
        value = float(raw) * scale
    except ValueError:
        return text.strip()
    return int(value) if value.is_integer() and scale == 1.0 and "." not in raw else value


def _pair_lines(text: str) -> list[Any]:
    """``C000123,V000045`` per line (``;`` or a tab also separate; a header line is skipped)."""
    pairs: list[Any] = []
    rows = csv.reader(io.StringIO(text.replace(";", ",").replace("\t", ",")))
    for row in rows:
        cells = [c.strip() for c in row if c.strip()]
        if not cells or cells[0].startswith("#"):
            continue
        if [c.lower() for c in cells] == ["candidate_id", "vacancy_id"]:
            continue
        pairs.append(cells)  # not a pair of two: the service names the item
    return pairs


def _pairs(request: HttpRequest, name: str, errors: dict[str, str]) -> list[Any] | None:
    text = request.POST.get(name, "")
    upload = request.FILES.get(f"{name}_file")
    if upload is not None:
        if upload.size > MAX_PAIRS_BYTES:
            errors[name] = "the file is too large (at most 2 MB)"
            return None
        try:
            text += "\n" + upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            errors[name] = "the file is not UTF-8 text (CSV)"
            return None
    pairs = _pair_lines(text)
    return pairs or None


def _shares(text: str) -> Any:
    """``doelgroepregister=0.2`` (or ``:`` / ``,``, or ``20%``) per line, as the service's dict."""
    shares: dict[str, Any] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        for sep in ("=", ":", ",", " "):
            if sep in line:
                group, value = line.split(sep, 1)
                shares[group.strip()] = _decimal(value)
                break
        else:
            shares[line] = line  # no share given: the service names the field
    return shares or None


def _params(request: HttpRequest) -> tuple[dict[str, Any], dict[str, str]]:
    """The service's options from the form; blank fields are left out (the defaults apply)."""
    post = request.POST
    errors: dict[str, str] = {}
    params: dict[str, Any] = {"objective": post.get("objective", "durable"),
                              "lang": _lang(request)}
    for name in ("min_score", "max_per_employer", "time_limit_s"):
        if post.get(name, "").strip():
            params[name] = _decimal(post[name])
    for name in ("locked", "forbidden"):
        pairs = _pairs(request, name, errors)
        if pairs:
            params[name] = pairs
    shares = _shares(post.get("min_share", ""))
    if shares:
        params["min_share"] = shares
    return params, errors


@login_required
def runs(request: HttpRequest) -> HttpResponse:
    """The list of assignment runs and the form that starts one."""
    require(request.user, Action.VIEW_RUN, subjects=("run:assign",))
    errors: dict[str, str] = {}
    if request.method == "POST":
        params, errors = _params(request)
        if not errors:
            try:
                run = run_service.start_run(request.user, "assign", params)
            except FieldError as exc:
                errors = dict(exc.errors)
            else:
                return HttpResponseRedirect(reverse("run", args=[run.pk]))
    listed = (Run.objects.filter(kind=Run.Kind.ASSIGN).order_by("-pk")
              .only("pk", "status", "stage", "progress", "created_by", "created_at",
                    "finished_at", "params")[:50])
    context = {
        "runs": listed, "errors": errors, "form": request.POST if request.method == "POST" else {},
        "may_start": allowed(request.user, Action.START_ASSIGN),
        "objectives": run_service.OBJECTIVES,
    }
    return render(request, "pages/co_runs.html", context, status=422 if errors else 200)


# ----------------------------------------------------------------------------- one run


def _progress_context(status: dict[str, Any], lang: str) -> dict[str, Any]:
    stage = str(status.get("stage") or ("queued" if status["status"] == "queued" else ""))
    key = f"co_stage_{stage}"
    return {"status": status, "active": status["status"] in ACTIVE,
            "stage_text": page_text(key, lang) if key in PAGE_TEXTS else stage,
            "percent": round(100 * float(status["progress"] or 0.0))}


@login_required
@require_GET
def run_progress(request: HttpRequest, run_id: int) -> HttpResponse:
    """The htmx partial polled while the run is queued or running."""
    status = _status(request, run_id)
    context = _progress_context(status, _lang(request))
    response = render(request, "pages/co__progress.html", context)
    if not context["active"] and getattr(request, "htmx", False):
        response["HX-Refresh"] = "true"  # the result page replaces the progress bar
    return response


@login_required
def run(request: HttpRequest, run_id: int) -> HttpResponse:
    """A run: its progress while it works, then its result and proposals."""
    status = _status(request, run_id)
    lang = _lang(request)
    context: dict[str, Any] = {"run_id": run_id, **_progress_context(status, lang),
                               "may_approve": allowed(request.user, Action.APPROVE_RUN),
                               "may_export": allowed(request.user, Action.EXPORT_RUN),
                               "may_cancel": allowed(request.user, Action.CANCEL_RUN),
                               "default_start": timezone.localdate().isoformat()}
    summary = status.get("result") if (status["status"] == Run.Status.DONE
                                       and status["kind"] == Run.Kind.ASSIGN) else None
    if summary:
        folder = _output_dir(run_id)
        coverage = _read_csv(folder, "project_coverage.csv", status["files"])
        flows = _read_csv(folder, "municipality_flows.csv", status["files"])
        baselines = _baselines(summary)
        context.update(kpis=_kpis(summary, coverage, lang), baselines=baselines,
                       baselines_h=20 + 30 * len(baselines),
                       summary=summary, coverage=_coverage_chart(coverage, lang),
                       map=_flow_map(flows, lang),
                       warnings=[w.get(f"message_{lang}") or w.get("message_en", "")
                                 for w in (summary.get("sanity") or {}).get("warnings", [])],
                       downloads=_downloads(status["files"]))
        if context["may_approve"]:
            from django.core.paginator import Paginator

            proposals = run_service.run_proposals(request.user, run_id)
            page = Paginator(proposals, PROPOSALS_PER_PAGE).get_page(request.GET.get("page"))
            context["proposals"] = list(page.object_list)
            context["page_obj"] = page
            context["open_count"] = sum(1 for p in proposals if p["status"] == "open")
    return render(request, "pages/co_run.html", context)


PROPOSALS_PER_PAGE = 50
"""Proposals per page of a run's result (a region's run proposes hundreds)."""


@login_required
@require_POST
def run_cancel(request: HttpRequest, run_id: int) -> HttpResponse:
    try:
        run_service.cancel_run(request.user, run_id)
    except NotFound as exc:
        raise Http404(str(exc)) from None
    except FieldError:
        pass  # it ended meanwhile: the run page shows how
    return HttpResponseRedirect(reverse("run", args=[run_id]))


@login_required
@require_POST
def run_approve(request: HttpRequest, run_id: int) -> HttpResponse:
    """Accept or reject one proposal (``proposal_id``; htmx answers with its row), or accept
    the selected (``proposal_ids``) or all open ones (``scope=all``) in bulk."""
    post = request.POST
    start = post.get("start_date", "").strip()
    if post.get("proposal_id"):
        return _decide_one(request, run_id, post["proposal_id"], start)
    ids: list[int] | None = None
    if post.get("scope") != "all":
        ids = [int(i) for i in post.getlist("proposal_ids") if i.strip().isdigit()]
    context: dict[str, Any] = {"run_id": run_id}
    if ids == []:
        context["errors"] = {"proposal_ids": "select at least one proposal"}
    else:
        try:
            context["outcome"] = run_service.approve_run(request.user, run_id, ids, start)
        except NotFound as exc:
            raise Http404(str(exc)) from None
        except FieldError as exc:
            context["errors"] = dict(exc.errors)
    if getattr(request, "htmx", False):
        return render(request, "pages/co__approved.html", context,
                      status=422 if context.get("errors") else 200)
    if context.get("errors"):
        return render(request, "pages/co_approved.html", context, status=422)
    return render(request, "pages/co_approved.html", context)


def _proposal_row(proposal: Proposal) -> dict[str, Any]:
    return {"id": proposal.pk, "candidate_id": proposal.candidate_id,
            "vacancy_id": proposal.vacancy_id, "rank": proposal.rank,
            "probability": proposal.probability, "status": proposal.status,
            "reason": proposal.reason, "organisation": proposal.organisation}


def _decide_one(request: HttpRequest, run_id: int, proposal_id: str, start: str) -> HttpResponse:
    """One proposal of this run accepted (with the start date) or rejected (with a reason)."""
    decision = request.POST.get("decision", "accept")
    reason = request.POST.get(f"reason_{proposal_id}", request.POST.get("reason", "")).strip()
    proposal = Proposal.objects.filter(pk=int(proposal_id) if proposal_id.isdigit() else -1,
                                       run_id=run_id).first()
    if proposal is None:
        raise Http404(f"run {run_id} has no proposal {proposal_id}")
    errors: dict[str, str] = {}
    day = None
    if start:
        try:
            day = date.fromisoformat(start)
        except ValueError:
            errors["start_date"] = "the placements' start date (2026-03-01)"
    if not errors:
        try:
            decide(request.user, proposal.pk, decision, reason=reason,
                   start_date=day if decision == "accept" else None)
        except FieldError as exc:
            errors = dict(exc.errors)
    proposal.refresh_from_db()
    context = {"run_id": run_id, "p": _proposal_row(proposal), "row_errors": errors,
               "may_approve": True}
    if getattr(request, "htmx", False):
        return render(request, "pages/co__proposal_row.html", context,
                      status=422 if errors else 200)
    if errors:
        return render(request, "pages/co_approved.html",
                      {"run_id": run_id, "errors": errors}, status=422)
    return HttpResponseRedirect(reverse("run", args=[run_id]) + "#proposals")


@login_required
@require_GET
def run_file(request: HttpRequest, run_id: int, name: str) -> FileResponse:
    """Download a report file of the run (audited as ``export`` by the service)."""
    try:
        path = run_service.run_file(request.user, run_id, name)
    except NotFound as exc:
        raise Http404(str(exc)) from None
    return FileResponse(path.open("rb"), as_attachment=True, filename=path.name)


# ----------------------------------------------------------------------------- result parts


def _output_dir(run_id: int) -> Path | None:
    folder = Run.objects.filter(pk=run_id).values_list("output_dir", flat=True).first()
    return Path(folder) if folder else None


def _read_csv(folder: Path | None, name: str, files: list[str]) -> list[dict[str, str]]:
    """A table of the run's output folder as rows of text (empty when the run has none)."""
    if folder is None or name not in files or not (folder / name).is_file():
        return []
    with (folder / name).open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _float(value: Any) -> float | None:
    try:
        number_ = float(value)
    except (TypeError, ValueError):
        return None
    return number_ if math.isfinite(number_) else None


def _kpis(summary: dict[str, Any], coverage: list[dict[str, str]], lang: str) -> list[dict]:
    positions = summary.get("n_positions") or 0
    filled = summary["n_assigned"] / positions if positions else None
    obligation = sum(_float(r.get("obligation_eur")) or 0.0 for r in coverage)
    after = sum((_float(r.get("realised_eur")) or 0.0) + (_float(r.get("assigned_value_eur"))
                                                          or 0.0) for r in coverage)
    return [
        {"key": "co_kpi_expected", "value": number(summary.get("expected_durable"), lang, 1)},
        {"key": "co_kpi_assigned", "value": number(summary.get("n_assigned"), lang)},
        {"key": "co_kpi_positions_filled", "value": percent(filled, lang)},
        {"key": "co_kpi_sroi_coverage",
         "value": percent(after / obligation if obligation else None, lang)},
        {"key": "co_kpi_candidates", "value": number(summary.get("n_candidates_available"), lang)},
        {"key": "co_kpi_gain_local", "value": _signed_pct(summary.get("gain_vs_local_pct"), lang)},
    ]


def _signed_pct(value: Any, lang: str) -> str:
    number_ = _float(value)
    if number_ is None:
        return "–"
    return ("+" if number_ > 0 else "") + number(number_, lang, 1) + "%"


def _baselines(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """The methods on the same pairs, widest first, with the bar widths of a small chart."""
    base = summary.get("baselines") or {}
    gains = {"local_only": summary.get("gain_vs_local_pct"),
             "greedy": summary.get("gain_vs_greedy_pct")}
    top = max([_float(b.get("expected_durable")) or 0.0 for b in base.values()] or [0.0]) or 1.0
    rows = []
    for name in [*BASELINES, *sorted(set(base) - set(BASELINES))]:
        if name not in base:
            continue
        expected = _float(base[name].get("expected_durable")) or 0.0
        rows.append({"name": name, "key": f"co_method_{name}" if name in BASELINES else "",
                     "expected": expected, "n_assigned": base[name].get("n_assigned"),
                     "gain": gains.get(name), "width": round(400 * expected / top, 1)})
    for i, row in enumerate(rows):
        row["y"] = 10 + 30 * i
        row["text_y"] = row["y"] + 15
        row["value_x"] = 170 + row["width"] + 6
    return rows


def _coverage_chart(rows: list[dict[str, str]], lang: str) -> dict[str, Any] | None:
    """Geometry of the horizontal bar chart of each project's SROI obligation coverage:
    realised before the run, then what the run adds, against a line at 100%."""
    if not rows:
        return None
    label_w, bar_w, row_h, top = 250, 380, 26, 24
    values = [(_float(r.get("coverage_before")), _float(r.get("coverage_after"))) for r in rows]
    scale_max = max([1.0, *[a for _, a in values if a is not None]])
    scale_max = min(scale_max, 3.0)  # a project covered many times over is clipped at 300%
    bars = []
    for i, (row, (before, after)) in enumerate(zip(rows, values, strict=True)):
        b = max(0.0, min(before or 0.0, scale_max))
        a = max(b, min(after or 0.0, scale_max))
        y = top + i * row_h
        name = row.get("name") or row.get("project_id", "")
        bars.append({
            "project_id": row.get("project_id", ""), "name": name,
            "label": name if len(name) <= 34 else name[:33] + "…",
            "authority": row.get("contracting_authority", ""),
            "y": y, "bar_y": y + 4, "text_y": y + 17,
            "before_w": round(bar_w * b / scale_max, 1),
            "added_x": round(label_w + bar_w * b / scale_max, 1),
            "added_w": round(bar_w * (a - b) / scale_max, 1),
            "value_x": round(label_w + bar_w * a / scale_max + 6, 1),
            "before": percent(before, lang), "after": percent(after, lang),
            "obligation": eur(_float(row.get("obligation_eur")), lang),
            "assigned": eur(_float(row.get("assigned_value_eur")), lang),
            "outstanding_after": eur(_float(row.get("outstanding_after_eur")), lang),
        })
    height = top + len(rows) * row_h + 10
    full_x = round(label_w + bar_w / scale_max, 1)
    return {"bars": bars, "width": label_w + bar_w + 70, "height": height,
            "label_w": label_w, "full_x": full_x, "axis_bottom": height - 6,
            "n": len(bars)}


def _flow_map(flows: list[dict[str, str]], lang: str) -> dict[str, Any] | None:
    """Geometry of the map: municipalities as points (their centres from the reference table,
    projected equirectangularly) and a line from home to work municipality per flow."""
    from matching.data.reference import municipalities

    if not flows:
        return None
    places = municipalities()
    where = {str(r.gm_code): (float(r.lat), float(r.lon), str(r.name))
             for r in places[["gm_code", "lat", "lon", "name"]].itertuples(index=False)
             if _float(r.lat) is not None and _float(r.lon) is not None}
    used = [f for f in flows if f.get("home_gm") in where and f.get("work_gm") in where]
    if not used:
        return None
    codes = {f["home_gm"] for f in used} | {f["work_gm"] for f in used}
    lats = [where[c][0] for c in codes]
    lons = [where[c][1] for c in codes]
    pad = 0.15
    lat_min, lat_max = min(lats) - pad, max(lats) + pad
    lon_min, lon_max = min(lons) - pad, max(lons) + pad
    squeeze = math.cos(math.radians((lat_min + lat_max) / 2))
    width = 640.0
    span_x = max((lon_max - lon_min) * squeeze, 1e-6)
    scale = width / span_x
    height = max(200.0, min(900.0, (lat_max - lat_min) * scale))
    scale = min(scale, height / max(lat_max - lat_min, 1e-6))

    def xy(code: str) -> tuple[float, float]:
        lat, lon, _ = where[code]
        return (round((lon - lon_min) * squeeze * scale, 1), round((lat_max - lat) * scale, 1))

    background = [{"x": x, "y": y, "name": name}
                  for code, (lat, lon, name) in sorted(where.items())
                  if lat_min <= lat <= lat_max and lon_min <= lon <= lon_max and code not in codes
                  for x, y in [xy(code)]]
    top_n = max(int(f.get("n") or 0) for f in used) or 1
    lines, stays = [], {}
    volume: dict[str, int] = {}
    for f in used:
        n = int(f.get("n") or 0)
        volume[f["home_gm"]] = volume.get(f["home_gm"], 0) + n
        volume[f["work_gm"]] = volume.get(f["work_gm"], 0) + n
        if f["home_gm"] == f["work_gm"]:
            stays[f["home_gm"]] = stays.get(f["home_gm"], 0) + n
            continue
        (x1, y1), (x2, y2) = xy(f["home_gm"]), xy(f["work_gm"])
        lines.append({"x1": x1, "y1": y1, "x2": x2, "y2": y2, "n": n,
                      "width": round(1 + 5 * n / top_n, 1),
                      "home": where[f["home_gm"]][2], "work": where[f["work_gm"]][2]})
    labelled = {c for c, _ in sorted(volume.items(), key=lambda kv: (-kv[1], kv[0]))[:10]}
    points = []
    for code in sorted(codes):
        x, y = xy(code)
        stay = stays.get(code, 0)
        points.append({"x": x, "y": y, "name": where[code][2], "code": code,
                       "r": round(3 + 6 * math.sqrt(stay / top_n), 1) if stay else 3,
                       "stay": stay, "label": code in labelled, "label_y": round(y - 8, 1)})
    total = sum(int(f.get("n") or 0) for f in used)
    across = sum(line["n"] for line in lines)
    table = sorted(({"home": where[f["home_gm"]][2], "work": where[f["work_gm"]][2],
                     "n": int(f.get("n") or 0)} for f in used),
                   key=lambda r: (-r["n"], r["home"], r["work"]))
    return {"width": round(width, 1), "height": round(height, 1), "lines": lines,
            "points": points, "background": background, "total": total, "across": across,
            "within": total - across, "n_places": len(codes), "table": table[:25],
            "more": max(0, len(table) - 25)}


def _downloads(files: list[str]) -> list[dict[str, str]]:
    """The exports worth offering first (Excel, the HTML report), then the other tables."""
    first = ["assignments.xlsx", "report.html", "assignments.csv", "project_coverage.csv",
             "municipality_flows.csv", "unfilled_vacancies.csv", "unassigned_candidates.csv",
             "summary.json"]
    names = [n for n in first if n in files]
    return [{"name": n, "key": f"co_file_{n.replace('.', '_')}"} for n in names]
