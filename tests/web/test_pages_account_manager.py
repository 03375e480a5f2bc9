"""The account manager's pages: vacancies, a vacancy's shortlist, a candidate, decisions."""

from __future__ import annotations

import re

import pytest
from django.utils.html import escape

ORG = "GM0014"


def body(response) -> str:
    return response.content.decode()


def row_html(html: str, candidate_id: str) -> str:
    """The shortlist row of one candidate on a vacancy page."""
    match = re.search(rf'<tr class="utrecht-table__row" id="row-{candidate_id}">(.*?)</tr>',
                      html, re.DOTALL)
    assert match, f"no row of {candidate_id}"
    return match.group(1)


_FOUND: dict[str, str] = {}  # need -> the vacancy found for it (the sample is fixed)


@pytest.fixture
def am_shortlist(users, open_vacancy_ids):
    """``am_shortlist(need)``: (vacancy id, shortlist as "am" sees it) of the first open
    vacancy whose shortlist has what ``need`` asks of it."""
    from matching.web import services

    def find(need) -> tuple[str, dict]:
        known = _FOUND.get(need.__name__)
        for vacancy_id in ([known] if known else []) + open_vacancy_ids[:60]:
            shortlist = services.shortlist_for_vacancy(users["am"], vacancy_id, top=10)
            if need(shortlist):
                _FOUND[need.__name__] = vacancy_id
                return vacancy_id, shortlist
        raise AssertionError("no open vacancy with such a shortlist")

    return find


def own_rows(shortlist: dict) -> list[dict]:
    return [r for r in shortlist["shortlist"] if r["personal_details"] and r["proposal_id"]]


def has_own(shortlist: dict) -> bool:
    return bool(own_rows(shortlist))


def proposal_status(proposal_id: int) -> str:
    from matching.web.models import Proposal

    return Proposal.objects.get(pk=proposal_id).status


# ----------------------------------------------------------------------------- vacancies


def test_the_vacancy_list_filters_by_municipality_project_and_start(page, dataset):
    open_vacancies = dataset.open_vacancies
    code = open_vacancies["municipality_code"].value_counts().index[0]
    inside = set(open_vacancies.loc[open_vacancies["municipality_code"] == code, "vacancy_id"])
    outside = set(open_vacancies["vacancy_id"]) - inside
    response = page("am").get("/vacatures/", {"municipality": code})
    assert response.status_code == 200
    html = body(response)
    assert all(f'href="/vacatures/{v}/"' in html for v in inside)
    assert not any(f'href="/vacatures/{v}/"' in html for v in outside)
    assert f"{len(inside)} open vacatures gevonden" in html
    assert f'<option value="{code}" selected>' in html

    project = open_vacancies["project_id"].iloc[0]
    html = body(page("am").get("/vacatures/", {"project": project}))
    in_project = set(open_vacancies.loc[open_vacancies["project_id"] == project, "vacancy_id"])
    assert all(f'href="/vacatures/{v}/"' in html for v in in_project)
    assert not any(f'href="/vacatures/{v}/"' in html
                   for v in set(open_vacancies["vacancy_id"]) - in_project)

    starts = open_vacancies["start_date"].dropna().sort_values()
    middle = starts.iloc[len(starts) // 2].date()
    html = body(page("am").get("/vacatures/", {"start_from": middle.isoformat()}))
    late = open_vacancies.loc[open_vacancies["start_date"].dt.date >= middle, "vacancy_id"]
    early = open_vacancies.loc[open_vacancies["start_date"].dt.date < middle, "vacancy_id"]
    assert any(f'href="/vacatures/{v}/"' in html for v in late)
    assert not any(f'href="/vacatures/{v}/"' in html for v in early)


def test_a_bad_or_reversed_date_filter_is_shown_next_to_the_field(page):
    response = page("am").get("/vacatures/", {"start_from": "morgen"})
    assert response.status_code == 422
    html = body(response)
    assert 'id="f-start-from-error"' in html and "Vul een datum in als jjjj-mm-dd." in html
    assert 'aria-invalid="true"' in html
    response = page("am").get("/vacatures/", {"start_from": "2027-01-01",
                                             "start_to": "2026-01-01"})
    assert response.status_code == 422
    assert 'id="f-start-to-error"' in body(response)


def test_only_account_managers_and_coordinators_see_vacancies(page):
    assert page("coordinator").get("/vacatures/").status_code == 200
    for name in ("analyst", "admin"):
        response = page(name).get("/vacatures/")
        assert response.status_code == 403 and "Geen toegang" in body(response)
    assert page(None).get("/vacatures/").status_code == 302  # to the sign-in page


def test_the_pages_have_labelled_fields_and_no_inline_script_or_style(page, open_vacancy_ids):
    for url in ("/vacatures/", f"/vacatures/{open_vacancy_ids[0]}/"):
        html = body(page("am").get(url))
        assert " style=" not in html and "<style" not in html
        assert not re.search(r"<script(?![^>]*\bsrc=)", html)
        assert not re.search(r"\son[a-z]+=", html)
        for field_id in re.findall(r'<(?:input|select|textarea)(?![^>]*type="hidden")[^>]*'
                                   r'\sid="([^"]+)"', html):
            assert f'for="{field_id}"' in html, field_id
        assert not re.search(r'<(?:input|select)(?![^>]*type="hidden")(?![^>]*\sid=)[^>]*>',
                             html)


# ----------------------------------------------------------------------------- a vacancy


def test_the_vacancy_page_shows_the_ranked_shortlist_with_its_explanations(page, am_shortlist):
    def complete(s):
        return (s["shortlist"] and s["near_misses"]
                and any(r["reasons"]["counterfactuals"] for r in s["shortlist"])
                and any(r["reasons"]["factors_for"] for r in s["shortlist"]))

    vacancy_id, shortlist = am_shortlist(complete)
    response = page("am").get(f"/vacatures/{vacancy_id}/")
    assert response.status_code == 200
    html = body(response)
    rows = shortlist["shortlist"]
    positions = [html.index(f'id="row-{r["candidate_id"]}"') for r in rows]
    assert positions == sorted(positions), "not in the shortlist's rank order"
    for row in rows:
        part = row_html(html, row["candidate_id"])
        assert f"{round(row['score'] * 100)}%" in part
        for factor in row["reasons"]["factors_for"] + row["reasons"]["factors_against"]:
            assert escape(factor["text"]) in part
        for counterfactual in row["reasons"]["counterfactuals"]:
            assert escape(counterfactual["text"]) in part
        distance = row["display"]["distance"] if row["personal_details"] else row["distance_band"]
        assert escape(distance) in part
    for miss in shortlist["near_misses"]:
        assert escape(miss["constraint_text"]) in html
        if miss.get("constraint_detail"):
            assert escape(miss["constraint_detail"]) in html
    assert "Bijna-passers" in html and "Wat ontbreekt" in html
    assert 'aria-labelledby="shortlist-heading"' in html and '<th scope="col"' in html


def test_another_organisation_sees_no_personal_details_of_a_candidate(page, am_shortlist,
                                                                        dataset):
    vacancy_id, shortlist = am_shortlist(has_own)
    own = own_rows(shortlist)[0]
    assert own["home_municipality_code"] == ORG
    html = body(page("am").get(f"/vacatures/{vacancy_id}/"))
    mine = row_html(html, own["candidate_id"])
    assert escape(own["display"]["distance"]) in mine and "Eigen kandidaat" in mine
    assert f'id="decision-{own["proposal_id"]}"' in mine and 'name="reason"' in mine

    html = body(page("am_other").get(f"/vacatures/{vacancy_id}/"))
    theirs = row_html(html, own["candidate_id"])
    assert escape(own["display"]["distance"]) not in theirs
    for personal in (own["display"].get("skills_missing"), own["display"].get("support_missing"),
                     own["display"].get("mobility"), *own["support_needs"]):
        if personal and personal != "–":
            assert escape(personal) not in theirs, personal
    from matching.web.permissions import distance_band

    assert escape(distance_band(own["travel_km"] or own["distance_km"])) in theirs
    assert "Benader: Groningen" in theirs  # the candidate's organisation (GM0014) to contact
    assert 'name="reason"' not in theirs and 'name="start_date"' not in theirs
    assert "De organisatie van de kandidaat beslist." in theirs


def test_a_coordinator_reads_the_shortlist_but_gets_no_decision_forms(page, am_shortlist):
    vacancy_id, shortlist = am_shortlist(has_own)
    response = page("coordinator").get(f"/vacatures/{vacancy_id}/")
    assert response.status_code == 200
    html = body(response)
    assert f'id="row-{own_rows(shortlist)[0]["candidate_id"]}"' in html
    assert 'name="reason"' not in html and 'name="start_date"' not in html
    assert "/besluit/" not in html


def test_without_an_active_model_the_vacancy_page_says_so(page, open_vacancy_ids, monkeypatch):
    from matching.core.errors import ModelError
    from matching.web import services

    def no_model(*args, **kwargs):
        raise ModelError("no active model: an analyst trains one")

    monkeypatch.setattr(services, "shortlist_for_vacancy", no_model)
    response = page("am").get(f"/vacatures/{open_vacancy_ids[0]}/")
    assert response.status_code == 503
    assert "Geen model beschikbaar" in body(response) and "an analyst trains one" in body(response)


def test_unknown_vacancy_or_candidate_is_a_404_message(page):
    response = page("am").get("/vacatures/V999999/")
    assert response.status_code == 404 and "Niet gevonden" in body(response)
    assert "V999999" in body(response)
    response = page("am").get("/kandidaten/C999999/")
    assert response.status_code == 404 and "C999999" in body(response)


# ----------------------------------------------------------------------------- a candidate


def test_the_candidate_page_of_an_own_candidate_shows_details_and_fitting_vacancies(
        page, users, groningen_candidates):
    from matching.web import engine, services

    own = groningen_candidates[0][0]
    cells = engine.current().candidate(own)
    response = page("am").get(f"/kandidaten/{own}/")
    assert response.status_code == 200
    html = body(response)
    assert "Gegevens" in html and "Postcode" in html and "Woongemeente" in html
    if cells.get("postcode"):
        assert f'html-dd">{cells["postcode"]}</dd>' in html
    fitting = services.shortlist_for_candidate(users["am"], own, top=10)
    assert fitting["shortlist"], "the sample should fit an own candidate somewhere"
    for row in fitting["shortlist"]:
        assert f'href="/vacatures/{row["vacancy_id"]}/"' in html
        assert f"{round(row['score'] * 100)}%" in html


def test_the_candidate_page_of_another_organisations_candidate_shows_only_the_contact(
        page, groningen_candidates):
    from matching.web import engine

    own = groningen_candidates[0][0]
    cells = engine.current().candidate(own)
    response = page("am_other").get(f"/kandidaten/{own}/")
    assert response.status_code == 200
    html = body(response)
    assert "Gegevens" not in html and "Postcode" not in html and "Woongemeente" not in html
    if cells.get("postcode"):
        assert f">{cells['postcode']}<" not in html
    for need in cells.get("support_needs") or []:
        assert need not in html
    assert "Groningen (GM0014)" in html and "neem contact op met die organisatie" in html
    assert "Passende vacatures" in html
    assert "Redenen" not in html and "Afstand" not in html  # the candidate's own fit is personal


def test_analysts_and_administrators_get_no_candidate_page(page, groningen_candidates):
    own = groningen_candidates[0][0]
    for name in ("analyst", "admin"):
        response = page(name).get(f"/kandidaten/{own}/")
        assert response.status_code == 403
        assert "Gegevens" not in body(response) and "Passende vacatures" not in body(response)


# ----------------------------------------------------------------------------- decisions


def test_accept_without_a_start_date_and_reject_without_a_reason_change_nothing(
        page, am_shortlist):
    vacancy_id, shortlist = am_shortlist(has_own)
    proposal_id = own_rows(shortlist)[0]["proposal_id"]
    url = f"/voorstellen/{proposal_id}/besluit/"
    client = page("am")
    response = client.post(url, {"decision": "accept", "vacancy": vacancy_id})
    assert response.status_code == 422
    html = body(response)
    assert f'id="start-{proposal_id}-error"' in html
    assert "Vul de startdatum van de plaatsing in." in html
    assert proposal_status(proposal_id) == "open"

    response = client.post(url, {"decision": "reject", "reason": "  ", "vacancy": vacancy_id},
                           HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = body(response)
    assert "<html" not in html and f'id="reason-{proposal_id}-error"' in html
    assert "Geef een reden voor de afwijzing." in html and 'aria-invalid="true"' in html
    assert proposal_status(proposal_id) == "open"

    response = client.post(url, {"decision": "accept", "start_date": "1-12-2026",
                                 "vacancy": vacancy_id})
    assert response.status_code == 422 and "Vul een datum in als jjjj-mm-dd." in body(response)
    assert proposal_status(proposal_id) == "open"


def test_a_valid_reject_with_htmx_returns_the_decision_cell(page, am_shortlist):
    from matching.web.models import AuditEntry

    vacancy_id, shortlist = am_shortlist(has_own)
    proposal_id = own_rows(shortlist)[0]["proposal_id"]
    response = page("am").post(f"/voorstellen/{proposal_id}/besluit/",
                               {"decision": "reject", "reason": "geen rijbewijs",
                                "vacancy": vacancy_id}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = body(response)
    assert "<html" not in html and html.lstrip().startswith(f'<div id="decision-{proposal_id}"')
    assert "Afgewezen: geen rijbewijs" in html and 'role="status"' in html
    assert proposal_status(proposal_id) == "rejected"
    entry = AuditEntry.objects.order_by("-seq").first()
    assert (entry.action, entry.actor) == ("decision", "am")
    again = page("am").post(f"/voorstellen/{proposal_id}/besluit/",
                            {"decision": "reject", "reason": "nogmaals",
                             "vacancy": vacancy_id}, HTTP_HX_REQUEST="true")
    assert "Over dit voorstel is al besloten." in body(again)


def test_a_valid_accept_without_htmx_redirects_back_to_the_vacancy(page, am_shortlist):
    from matching.web.models import Placement

    vacancy_id, shortlist = am_shortlist(has_own)
    proposal_id = own_rows(shortlist)[0]["proposal_id"]
    response = page("am").post(f"/voorstellen/{proposal_id}/besluit/",
                               {"decision": "accept", "start_date": "2026-12-01",
                                "vacancy": vacancy_id})
    assert response.status_code == 302
    assert response["Location"] == f"/vacatures/{vacancy_id}/#decision-{proposal_id}"
    assert proposal_status(proposal_id) == "accepted"
    assert Placement.objects.filter(proposal_id=proposal_id).exists()


@pytest.mark.parametrize("name", ["coordinator", "analyst", "admin"])
def test_other_roles_may_not_decide_on_a_shortlist(page, am_shortlist, name):
    vacancy_id, shortlist = am_shortlist(has_own)
    proposal_id = own_rows(shortlist)[0]["proposal_id"]
    response = page(name).post(f"/voorstellen/{proposal_id}/besluit/",
                               {"decision": "reject", "reason": "x", "vacancy": vacancy_id},
                               HTTP_HX_REQUEST="true")
    assert response.status_code == 403
    assert proposal_status(proposal_id) == "open"
    assert page(name).get(f"/voorstellen/{proposal_id}/besluit/").status_code in (403, 405)


def test_deciding_on_a_proposal_that_does_not_exist_is_a_404(page):
    response = page("am").post("/voorstellen/999999/besluit/",
                               {"decision": "reject", "reason": "x"})
    assert response.status_code == 404


# ----------------------------------------------------------------------------- English


def test_english_with_the_language_cookie(page, open_vacancy_ids):
    client = page("am")
    client.cookies["sroi_lang"] = "en"
    html = body(client.get("/vacatures/"))
    assert "Apply filter" in html and "open vacancies found" in html
    assert "Filter toepassen" not in html
    html = body(client.get(f"/vacatures/{open_vacancy_ids[0]}/"))
    assert "Near misses" in html and "What would change the score" in html
    assert "Bijna-passers" not in html
