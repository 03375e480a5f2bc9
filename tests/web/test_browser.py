"""Every page in a real browser (headless Chromium): no serious or critical accessibility
violation (axe-core), keyboard-usable with visible focus, nothing blocked by the CSP, and the
main flows of each role. Screenshots go to the test's folder."""

from __future__ import annotations

import shutil

import pytest

from tests.web.browser import axe_violations, chromium, csp_errors, serious, sign_in, tab_order
from tests.web.processes import PASSWORD, Http, Service, free_port, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.browser]

USERS = {"am": ("account_manager", "GM0014"), "coordinator": ("coordinator", None),
         "analyst": ("analyst", None), "admin": ("admin", None)}


@pytest.fixture(scope="module")
def site(tmp_path_factory, sample_dir, registry_dir):
    """A served service on its own database: the session sample, one user per role, one
    finished regional run; yields (base URL, facts for building page URLs)."""
    import os
    import secrets
    from urllib.parse import urlsplit

    base_url = os.environ.get("SROI_MATCH_DATABASE_URL", "")
    root = tmp_path_factory.mktemp("browser")
    pg_name = None
    if base_url.startswith(("postgres://", "postgresql://")):
        import psycopg

        pg_name = f"sroi_b_{secrets.token_hex(6)}"
        with psycopg.connect(base_url, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{pg_name}"')
        parts = urlsplit(base_url)
        url = f"{parts.scheme}://{parts.netloc}/{pg_name}"
    else:
        url = f"sqlite:///{root / 'site.sqlite3'}"
    (root / "home").mkdir()
    shutil.copytree(registry_dir, root / "models")
    svc = Service(url, root / "home", root / "models")
    try:
        svc.cli("migrate")
        svc.cli("import", "--data", str(sample_dir))
        for name, (role, org) in USERS.items():
            args = ["users", "add", name, "--role", role] + (["--organisation", org] if org else [])
            svc.cli(*args, input=PASSWORD + "\n")
        facts = svc.python(
            "from matching.web.models import User\n"
            "from matching.web import runs, engine\n"
            "run = runs.start_run(User.objects.get(username='coordinator'), 'assign', {})\n"
            "ds = engine.current().dataset\n"
            "own = ds.available_candidates\n"
            "own = sorted(own.loc[own['municipality_code'] == 'GM0014', 'candidate_id'])\n"
            "print(json.dumps({'run': run.pk, 'vacancy': sorted(ds.open_vacancies['vacancy_id'])[0],"
            " 'vacancies': sorted(ds.open_vacancies['vacancy_id'])[:40],"
            " 'candidate': own[0], 'model': engine.registry().active()}))")
        svc.cli("worker", "--once", timeout=600)
        port = free_port()
        svc.start("serve", "--port", str(port), "--threads", "4", name="serve")
        svc.start("worker", "--poll", "0.5", name="worker")  # for runs started in the browser
        http = Http(port, svc.token("admin"))
        wait_for(http.up, 60, "the server to answer")
        yield f"http://127.0.0.1:{port}", facts, root
    finally:
        svc.stop_all()
        if pg_name:
            import psycopg

            with psycopg.connect(base_url, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def browser():
    driver = chromium()
    yield driver
    driver.quit()


def pages_of(role: str, facts: dict) -> list[str]:
    """The pages a role works with (those installed in this URL configuration)."""
    from django.urls import NoReverseMatch, reverse

    wanted = {
        "am": [("start", {}), ("vacancies", {}), ("vacancy", {"vacancy_id": facts["vacancy"]}),
               ("candidate", {"candidate_id": facts["candidate"]})],
        "coordinator": [("start", {}), ("runs", {}), ("run", {"run_id": facts["run"]}),
                        ("vacancies", {})],
        "analyst": [("start", {}), ("models", {}), ("model", {"version": facts["model"]})],
        "admin": [("start", {}), ("users", {}), ("imports", {}), ("audit", {})],
    }[role]
    out = []
    for name, kwargs in wanted:
        try:
            out.append(reverse(name, kwargs=kwargs))
        except NoReverseMatch:
            try:  # a page whose URL takes its argument under another name
                out.append(reverse(name, args=list(kwargs.values())))
            except NoReverseMatch:
                continue
    return out


def test_the_sign_in_page_is_accessible(site, browser):
    base, _, root = site
    browser.get(base + "/accounts/login/")
    assert browser.find_element("css selector", "html").get_attribute("lang") == "nl"
    assert serious(axe_violations(browser)) == []
    browser.save_screenshot(str(root / "login.png"))
    assert csp_errors(browser) == []


@pytest.mark.parametrize("role", list(USERS))
def test_every_page_has_no_serious_accessibility_violation(site, browser, role):
    base, facts, root = site
    sign_in(browser, base, role, PASSWORD)
    checked = []
    for path in pages_of(role, facts):
        browser.get(base + path)
        assert "500" not in browser.title, path
        problems = serious(axe_violations(browser))
        assert problems == [], (path, problems)
        assert csp_errors(browser) == [], path
        browser.save_screenshot(str(root / f"{role}{path.replace('/', '_')}.png"))
        checked.append(path)
    assert "/" in checked


@pytest.mark.parametrize("role", list(USERS))
def test_pages_are_keyboard_usable_with_visible_focus(site, browser, role):
    base, facts, _ = site
    sign_in(browser, base, role, PASSWORD)
    for path in pages_of(role, facts):
        browser.get(base + path)
        reached = tab_order(browser, steps=8)
        assert reached[0]["tag"] == "a" and reached[0]["text"] in ("Naar de inhoud",
                                                                  "Skip to content"), path
        # only controls, or named regions made focusable on purpose (a scrollable table)
        stray = [r for r in reached if r["tag"] not in ("a", "button", "input", "select",
                                                        "textarea", "summary")
                 and not (r["tabindex"] == "0" and r["label"])]
        assert stray == [], (path, stray)
        for element in reached:
            visible = element["outline"] not in ("none", "") and element["width"] != "0px"
            assert visible or element["shadow"] not in ("none", ""), (path, element)


def test_the_language_switch_turns_the_pages_english(site, browser):
    base, _, _ = site
    sign_in(browser, base, "coordinator", PASSWORD)
    assert "Wat er op u wacht" in browser.page_source
    browser.find_element("css selector", "form.site-language button").click()
    wait_for(lambda: "What is waiting for you" in browser.page_source, 10, "English")
    assert browser.find_element("css selector", "html").get_attribute("lang") == "en"
    browser.find_element("css selector", "form.site-language button").click()
    wait_for(lambda: "Wat er op u wacht" in browser.page_source, 10, "Dutch again")


def test_an_account_manager_rejects_a_proposal_with_the_keyboard(site, browser):
    """The htmx flow in a real browser: a reason typed, Enter on the reject button, the
    decision cell replaced in place (no page load), the status shown."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    base, facts, root = site
    sign_in(browser, base, "am", PASSWORD)
    forms = []
    for vacancy in facts["vacancies"]:
        browser.get(f"{base}/vacatures/{vacancy}/")
        forms = browser.find_elements(By.CSS_SELECTOR, "form input[name=decision][value=reject]")
        if forms:
            break
    assert forms, "no vacancy with a proposal of the account manager's organisation"
    form = forms[0].find_element(By.XPATH, "./ancestor::form")
    target = form.get_attribute("hx-target")
    reason = form.find_element(By.CSS_SELECTOR, "input[name=reason]")
    browser.execute_script("window.__marker = 1;")  # survives only without a page load
    reason.send_keys("reistijd te lang voor 16 uur")
    button = form.find_element(By.CSS_SELECTOR, "button[type=submit]")
    button.send_keys(Keys.ENTER)
    def rejected() -> bool:
        from selenium.common.exceptions import StaleElementReferenceException

        try:  # htmx may replace the cell between finding it and reading it
            return "reistijd te lang" in browser.find_element(By.CSS_SELECTOR, target).text
        except StaleElementReferenceException:
            return False

    wait_for(rejected, 20, "the decision cell to show the rejection")
    assert browser.execute_script("return window.__marker") == 1
    browser.save_screenshot(str(root / "am_rejected.png"))


def test_a_coordinator_starts_a_run_and_watches_its_progress(site, browser):
    from selenium.webdriver.common.by import By

    base, _, root = site
    sign_in(browser, base, "coordinator", PASSWORD)
    browser.get(f"{base}/runs/")
    browser.find_element(By.CSS_SELECTOR, "form[action='/runs/'] button[type=submit]").click()
    wait_for(lambda: "/runs/" in browser.current_url and browser.current_url.rstrip("/")
             .split("/")[-1].isdigit(), 20, "the new run's page")
    assert browser.find_elements(By.CSS_SELECTOR, "progress")
    assert serious(axe_violations(browser)) == []
    # the worker beside the server executes it; the page follows by itself (htmx polling)
    wait_for(lambda: browser.find_elements(By.CSS_SELECTOR, "svg.coverage-chart"), 300,
             "the run's result to appear")
    browser.save_screenshot(str(root / "coordinator_run_done.png"))
    assert serious(axe_violations(browser)) == []
