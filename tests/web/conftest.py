"""Fixtures of the service tests: the session sample imported once, one user per role.

The test database is created by pytest-django from the committed migrations (so the audit
triggers exist) on the database ``SROI_MATCH_DATABASE_URL`` names: SQLite (in memory) by
default, PostgreSQL in CI's second run. The session sample (tests/conftest.py) is imported
into it once and committed; each test then runs in a transaction that is rolled back.
Every test here is marked ``db``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

PASSWORD = "correct-horse-battery-9"
ORG = "GM0014"  # Groningen: the account manager's organisation

ROLES = {"am": ("account_manager", [ORG]), "am_other": ("account_manager", ["GM0034"]),
         "coordinator": ("coordinator", []), "analyst": ("analyst", []), "admin": ("admin", [])}


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.db)
            item.add_marker(pytest.mark.django_db)


@pytest.fixture(scope="session")
def sample_dir(tmp_path_factory, sample_data) -> Path:
    from matching.synthetic.render import write_sample

    return write_sample(sample_data, tmp_path_factory.mktemp("web-sample") / "sample")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, sample_dir, registry_dir):
    """Import the session sample and create the users, once, committed."""
    from django.conf import settings as django_settings

    from matching.web.services import add_user
    from matching.web.store import import_export

    django_settings.MODELS_DIR = str(registry_dir)
    with django_db_blocker.unblock():
        import_export(sample_dir, actor="fixture", role="admin")
        for name, (role, orgs) in ROLES.items():
            add_user(name, role, PASSWORD, orgs, actor="fixture")


@pytest.fixture(autouse=True)
def _fresh_engine():
    """Each test sees the database as it is (the engine cache is per process)."""
    from matching.web import engine

    engine.invalidate()
    yield
    engine.invalidate()


@pytest.fixture
def users(db):
    from matching.web.models import User

    return {name: User.objects.get(username=name) for name in ROLES}


@pytest.fixture
def tokens(users):
    from matching.web.services import issue_token

    return {name: issue_token(name) for name in users}


@pytest.fixture
def api(tokens):
    """``api(name).get(path)``: a Django test client speaking as that user with a token."""
    from django.test import Client

    def as_user(name: str | None) -> Client:
        headers = {"Authorization": f"Bearer {tokens[name]}"} if name else {}
        return Client(headers=headers)

    return as_user


@pytest.fixture
def groningen_candidates(dataset):
    """Available candidates of the account manager's organisation, and of others."""
    cands = dataset.available_candidates
    own = sorted(cands.loc[cands["municipality_code"] == ORG, "candidate_id"])
    other = sorted(cands.loc[cands["municipality_code"] != ORG, "candidate_id"])
    return own, other


@pytest.fixture
def page(users):
    """``page(name)``: a Django test client signed in (session) as that user, Dutch pages."""
    from django.test import Client

    def as_user(name: str | None) -> Client:
        client = Client()
        if name:
            client.force_login(users[name])
        return client

    return as_user


@pytest.fixture
def bad_export(sample_dir, tmp_path) -> Path:
    """A copy of the session sample with one bad cell: vacancies.csv, row 5,
    hours_per_week = "zeventig" (a ``type`` error)."""
    import shutil

    import pandas as pd

    export = tmp_path / "bad"
    shutil.copytree(sample_dir, export)
    frame = pd.read_csv(export / "vacancies.csv", dtype=str, keep_default_na=False)
    frame.loc[3, "hours_per_week"] = "zeventig"
    frame.to_csv(export / "vacancies.csv", index=False)
    return export


def upload(client, url: str, folder: Path):
    """POST every file of ``folder`` as ``files`` (multipart) to ``url``."""
    handles = [open(p, "rb") for p in sorted(folder.iterdir())]  # noqa: SIM115
    try:
        return client.post(url, {"files": handles})
    finally:
        for handle in handles:
            handle.close()
