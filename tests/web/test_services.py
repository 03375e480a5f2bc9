"""Shortlists as proposals, decisions by a person, outcomes, the exposure cap, the feedback loop."""

from __future__ import annotations

import json
from datetime import date

import pytest
from click.testing import CliRunner

from matching.web import services
from matching.web.models import AuditEntry, Placement, Proposal, Shortlist
from matching.web.store import load_from_db


def _audited(action: str, subject: str) -> list[AuditEntry]:
    return [e for e in AuditEntry.objects.filter(action=action).order_by("seq")
            if subject in e.subjects]


@pytest.fixture
def busy_vacancy(users, open_vacancy_ids):
    """An open vacancy whose shortlist has 5 proposals, the first three of candidates of the
    account manager's organisation (GM0014: the ones "am" may decide on)."""
    for vacancy_id in open_vacancy_ids:
        view = services.shortlist_for_vacancy(users["coordinator"], vacancy_id, top=5)
        own = [r for r in view["shortlist"] if r["home_municipality_code"] == "GM0014"]
        if len(view["shortlist"]) == 5 and len(own) >= 3:
            others = [r for r in view["shortlist"] if r not in own]
            return vacancy_id, {**view, "shortlist": own + others}
    pytest.fail("no vacancy with five proposals, three from GM0014, in the session sample")


def test_a_shortlist_is_proposed_once_and_shown_again(users, busy_vacancy):
    vacancy_id, first = busy_vacancy
    again = services.shortlist_for_vacancy(users["coordinator"], vacancy_id, top=5)
    assert again["shortlist_id"] == first["shortlist_id"]
    first["shortlist"].sort(key=lambda r: r["rank"])
    assert [r["candidate_id"] for r in again["shortlist"]] == \
        [r["candidate_id"] for r in first["shortlist"]]
    proposals = Proposal.objects.filter(shortlist_id=first["shortlist_id"]).order_by("rank")
    assert [p.candidate_id for p in proposals] == [r["candidate_id"] for r in first["shortlist"]]
    assert all(p.status == "open" and p.source == "shortlist" for p in proposals)
    views = _audited("view_shortlist", vacancy_id)
    assert len(views) == 2 and views[0].model_version == first["model_version"]


def test_accept_makes_a_placement_and_withdraws_the_persons_other_proposals(users, busy_vacancy):
    vacancy_id, view = busy_vacancy
    row = view["shortlist"][0]
    result = services.decide(users["am"], row["proposal_id"], "accept",
                             start_date=date(2026, 12, 14), hours_per_week=32)
    placement = Placement.objects.get(proposal_id=row["proposal_id"])
    assert result.placement_id == placement.placement_id
    assert (placement.candidate_id, placement.vacancy_id) == (row["candidate_id"], vacancy_id)
    assert not Proposal.objects.filter(candidate_id=row["candidate_id"], status="open").exists()
    entry = AuditEntry.objects.filter(action="decision").order_by("-seq").first()
    assert entry.actor == "am" and row["candidate_id"] in entry.subjects
    with pytest.raises(services.FieldError, match="already accepted"):
        services.decide(users["am"], row["proposal_id"], "reject", reason="x")


def test_a_rejection_needs_a_reason_and_an_acceptance_a_start_date(users, busy_vacancy):
    _, view = busy_vacancy
    proposal_id = view["shortlist"][1]["proposal_id"]
    with pytest.raises(services.FieldError) as caught:
        services.decide(users["am"], proposal_id, "reject", reason="  ")
    assert set(caught.value.errors) == {"reason"}
    with pytest.raises(services.FieldError) as caught:
        services.decide(users["am"], proposal_id, "accept")
    assert set(caught.value.errors) == {"start_date"}
    services.decide(users["am"], proposal_id, "reject", reason="travel too long for the hours")
    assert Proposal.objects.get(pk=proposal_id).reason == "travel too long for the hours"


def test_coordinators_do_not_decide_shortlist_proposals(users, busy_vacancy):
    from matching.web.permissions import Denied

    _, view = busy_vacancy
    with pytest.raises(Denied):
        services.decide(users["coordinator"], view["shortlist"][0]["proposal_id"], "reject",
                        reason="no")


def test_a_shortlist_closes_when_every_proposal_is_decided(users, busy_vacancy):
    from tests.web.conftest import PASSWORD

    _, view = busy_vacancy
    regional = services.add_user("am_all", "account_manager", PASSWORD,
                                 sorted({r["home_municipality_code"] for r in view["shortlist"]}))
    for row in view["shortlist"]:
        if Proposal.objects.get(pk=row["proposal_id"]).status == "open":
            services.decide(regional, row["proposal_id"], "reject", reason="not now")
    assert not Shortlist.objects.get(pk=view["shortlist_id"]).is_open


def test_the_exposure_cap_leaves_out_people_on_enough_open_shortlists(users, open_vacancy_ids,
                                                                      settings):
    from django.conf import settings as django_settings

    coordinator = users["coordinator"]
    old = django_settings.EXPOSURE_CAP
    django_settings.EXPOSURE_CAP = 1
    try:
        seen: dict[str, str] = {}
        for vacancy_id in open_vacancy_ids:
            view = services.shortlist_for_vacancy(coordinator, vacancy_id, top=10)
            ids = [r["candidate_id"] for r in view["shortlist"]]
            assert not set(ids) & set(seen), "a candidate on two open shortlists"
            seen.update(dict.fromkeys(ids, vacancy_id))
            if view["capped_count"]:
                assert view["exposure_cap"] == 1
                break
        else:
            pytest.fail("the cap never bit: no shortlist said it was capped")
    finally:
        django_settings.EXPOSURE_CAP = old


def test_recorded_outcomes_join_the_history_the_model_learns_from(users, busy_vacancy):
    _, view = busy_vacancy
    row = view["shortlist"][2]
    decided = services.decide(users["am"], row["proposal_id"], "accept",
                              start_date=date(2025, 3, 3))
    with pytest.raises(services.FieldError) as caught:
        services.record_outcome(users["am"], decided.placement_id, status="ended",
                                end_date=date(2025, 1, 1))
    assert set(caught.value.errors) == {"end_date", "reason"}
    services.record_outcome(users["coordinator"], decided.placement_id, status="ended",
                            end_date=date(2025, 6, 30), reason="contract not extended")
    history = load_from_db().dataset.placements.set_index("placement_id")
    got = history.loc[decided.placement_id]
    assert got["candidate_id"] == row["candidate_id"]
    assert got["start_date"].date() == date(2025, 3, 3) and got["end_date"].date() == date(2025, 6, 30)
    assert _audited("outcome", decided.placement_id)


def test_account_managers_decide_for_their_own_candidates_only(users, busy_vacancy):
    from matching.web.permissions import Denied

    _, view = busy_vacancy
    own = view["shortlist"][0]
    with pytest.raises(Denied):
        services.decide(users["am_other"], own["proposal_id"], "reject", reason="not mine")
    assert Proposal.objects.get(pk=own["proposal_id"]).status == "open"
    assert AuditEntry.objects.order_by("-seq").first().action == "denied"


def test_account_managers_record_outcomes_of_their_own_candidates_only(users, busy_vacancy):
    from matching.web.permissions import Denied

    _, view = busy_vacancy
    row = view["shortlist"][0]
    decided = services.decide(users["am"], row["proposal_id"], "accept",
                              start_date=date(2026, 12, 1))
    with pytest.raises(Denied):
        services.record_outcome(users["am_other"], decided.placement_id, status="ongoing")


def test_cli_reads_the_same_dataset_from_the_database(db, sample_dir, registry_dir,
                                                      open_vacancy_ids):
    from matching.cli import cli

    runner = CliRunner()
    args = ["shortlist", "--vacancy", open_vacancy_ids[0], "--top", "4", "--format", "json",
            "--models", str(registry_dir)]
    from_files = runner.invoke(cli, [*args, "--data", str(sample_dir)])
    from_db = runner.invoke(cli, [*args, "--db"])
    assert from_files.exit_code == 0 and from_db.exit_code == 0, from_db.output
    assert json.loads(from_db.stdout) == json.loads(from_files.stdout)
    assert AuditEntry.objects.filter(action="read_dataset").exists()


def test_another_language_or_a_longer_list_keeps_the_open_proposals(users, busy_vacancy):
    vacancy_id, first = busy_vacancy
    first["shortlist"].sort(key=lambda r: r["rank"])
    english = services.shortlist_for_vacancy(users["coordinator"], vacancy_id, top=5, lang="en")
    assert english["shortlist_id"] == first["shortlist_id"] and english["lang"] == "en"
    assert [(r["candidate_id"], r["proposal_id"]) for r in english["shortlist"]] == \
        [(r["candidate_id"], r["proposal_id"]) for r in first["shortlist"]]
    longer = services.shortlist_for_vacancy(users["coordinator"], vacancy_id, top=8)
    assert longer["shortlist_id"] == first["shortlist_id"]
    assert [r["proposal_id"] for r in longer["shortlist"][:5]] == \
        [r["proposal_id"] for r in first["shortlist"]]
    assert Proposal.objects.filter(shortlist_id=first["shortlist_id"], status="open").count() == \
        len(longer["shortlist"])
    assert not Proposal.objects.filter(vacancy_id=vacancy_id, status="withdrawn").exists()


def test_a_role_that_may_not_decide_gets_403_even_for_an_unknown_proposal(users):
    from matching.web.permissions import Denied

    with pytest.raises(Denied):
        services.decide(users["analyst"], 987654, "reject", reason="x")
    with pytest.raises(services.NotFound):
        services.decide(users["am"], 987654, "reject", reason="x")
