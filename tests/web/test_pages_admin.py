"""The administrator's pages: users and roles, the import page, the audit log and its CSV."""

from __future__ import annotations

import csv
import io
import re

import pytest

from matching.web import audit
from matching.web.models import AuditEntry, DataImport, Record, User
from tests.web.conftest import upload

STRONG = "paars-konijn-fietst-42"


def _text(response) -> str:
    return response.content.decode()


# ----------------------------------------------------------------------------- users


def test_the_users_page_lists_users_and_shows_field_errors(page):
    client = page("admin")
    listed = client.get("/beheer/gebruikers/")
    assert listed.status_code == 200
    html = _text(listed)
    for name in ("am", "am_other", "coordinator", "analyst", "admin"):
        assert f'<th scope="row" class="utrecht-table__header-cell">{name}</th>' in html
    assert "GM0014" in html and "<caption" in html
    for field in ("name", "role", "password", "organisations"):
        assert f'for="id_{field}"' in html and f'id="id_{field}"' in html
    users = User.objects.count()
    weak = client.post("/beheer/gebruikers/", {"name": "nieuw", "role": "account_manager",
                                               "password": "12345", "organisations": ""})
    assert weak.status_code == 422
    html = _text(weak)
    assert "Het wachtwoord is te zwak." in html
    assert "Een accountmanager hoort bij minstens één organisatie" in html
    assert 'id="error_password"' in html and 'id="error_organisations"' in html
    assert 'value="nieuw"' in html and "12345" not in html  # the password is not echoed
    assert User.objects.count() == users


def test_a_valid_user_is_created_and_audited(page):
    response = page("admin").post("/beheer/gebruikers/", {
        "name": "nieuwe_am", "role": "account_manager", "password": STRONG,
        "organisations": "gm0014, GM0034"})
    assert response.status_code == 302, response.content
    user = User.objects.get(username="nieuwe_am")
    assert user.role == "account_manager" and user.organisations == ["GM0014", "GM0034"]
    assert user.check_password(STRONG)
    entry = AuditEntry.objects.filter(action="user_add").order_by("-seq").first()
    assert entry.actor == "admin" and entry.role == "admin"
    assert entry.subjects == ["user:nieuwe_am"]
    assert "nieuwe_am is toegevoegd" in _text(page("admin").get(response["Location"]))


# ----------------------------------------------------------------------------- imports


def _upload(client, folder):
    return upload(client, "/import/", folder)


def test_an_upload_with_one_bad_row_shows_the_problem_and_imports_nothing(
        page, bad_export):
    export = bad_export
    records = Record.objects.count()
    response = _upload(page("admin"), export)
    assert response.status_code == 422
    html = _text(response)
    assert "De export is afgewezen: 1 fout(en)" in html
    row = ('<th scope="row" class="utrecht-table__header-cell">vacancies.csv</th>\n'
           '      <td class="utrecht-table__cell utrecht-table__cell--numeric-data">5</td>\n'
           '      <td class="utrecht-table__cell">hours_per_week</td>\n'
           '      <td class="utrecht-table__cell"><code class="utrecht-code">zeventig</code></td>\n'
           '      <td class="utrecht-table__cell">type</td>')
    assert row in html
    assert Record.objects.count() == records
    assert DataImport.objects.order_by("-id").first().status == "rejected"
    assert "afgewezen" in html  # the history lists the rejected import


def test_an_upload_without_files_shows_the_field_error(page):
    response = page("admin").post("/import/", {})
    assert response.status_code == 422 and "De upload is niet verwerkt" in _text(response)


# ----------------------------------------------------------------------------- audit log


def test_the_audit_page_filters_by_action_and_pages(page):
    client = page("admin")
    response = client.get("/beheer/audit/", {"action": "user_add"})
    assert response.status_code == 200
    html = _text(response)
    actions = set(re.findall(r'audit-action">([a-z_]+)<', html))
    assert actions == {"user_add"}
    assert "5 regels" in html  # the five fixture users
    assert AuditEntry.objects.order_by("-seq").first().action == "read_audit"
    everything = _text(client.get("/beheer/audit/"))
    assert 'rel="next"' in everything or AuditEntry.objects.count() <= 50
    bad = client.get("/beheer/audit/", {"since": "2026-05-01", "until": "2026-04-01"})
    assert bad.status_code == 422 and "vóór de begindatum" in _text(bad)
    bad = client.get("/beheer/audit/", {"action": "nonsense"})
    assert bad.status_code == 422 and "Kies een handeling" in _text(bad)


@pytest.mark.parametrize("formula", ['=HYPERLINK("http://evil.example","klik")',
                                     "=cmd|' /C calc'!A0"])
def test_the_csv_export_is_inert_and_audited(page, formula):
    audit.record("user_add", actor="admin", role="admin", subjects=[formula],
                 detail={"note": "+SUM(1,2)"})
    response = page("admin").get("/beheer/audit.csv", {"action": "user_add"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    body = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0] == ["seq", "at", "actor", "role", "action", "outcome", "subjects",
                       "model_version", "input_sha256", "detail", "hash"]
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["action"] == "user_add" and first["actor"] == "admin"
    assert first["subjects"] == "'" + formula  # inert: an apostrophe before the "="
    assert len(rows) == 1 + 6
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "@")), cell
            assert not (cell.startswith("-") and not cell[1:2].isdigit()), cell
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry.action == "read_audit" and entry.actor == "admin"
    assert entry.detail["action"] == "user_add"


# ----------------------------------------------------------------------------- roles


@pytest.mark.parametrize("name", ["am", "coordinator", "analyst"])
def test_non_admins_get_403_on_every_admin_page(page, name):
    client = page(name)
    users = User.objects.count()
    for path in ("/beheer/gebruikers/", "/import/", "/beheer/audit/", "/beheer/audit.csv"):
        response = client.get(path)
        assert response.status_code == 403, path
        entry = AuditEntry.objects.order_by("-seq").first()
        assert (entry.action, entry.actor) == ("denied", name)
    response = client.post("/beheer/gebruikers/", {"name": "x_" + name, "role": "admin",
                                                   "password": STRONG})
    assert response.status_code == 403 and User.objects.count() == users
    assert client.post("/import/", {}).status_code == 403
    assert page(None).get("/beheer/audit/").status_code == 302
