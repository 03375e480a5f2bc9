"""Headless Chromium for the browser tests: Debian's chromium and chromedriver, driven by
Selenium, with axe-core (vendored in tests/web/vendor) injected into each page."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
CHROMIUM_FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--window-size=1280,1000")


def chromium() -> Any:
    """A fresh headless Chromium (its own empty user-data directory)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={tempfile.mkdtemp(prefix='chromium-')}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.set_page_load_timeout(60)
    driver.set_script_timeout(60)
    return driver


def axe_violations(driver: Any) -> list[dict[str, Any]]:
    """axe-core's violations on the current page (WCAG 2.0/2.1 A and AA rules)."""
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    return driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a',"
        " 'wcag21aa', 'best-practice']}, resultTypes: ['violations']})"
        ".then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))))"
        ".catch(e => done([{id: 'axe-error', impact: 'critical', help: String(e), nodes: []}]));")


def serious(violations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [v for v in violations if v.get("impact") in ("serious", "critical")]


def csp_errors(driver: Any) -> list[str]:
    """Console messages about the Content-Security-Policy blocking something."""
    return [entry["message"] for entry in driver.get_log("browser")
            if "Content Security Policy" in entry.get("message", "")]


def sign_in(driver: Any, base: str, name: str, password: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    driver.delete_all_cookies()
    driver.get(base + "/accounts/login/")
    driver.find_element(By.ID, "id_username").send_keys(name)
    driver.find_element(By.ID, "id_password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "form.login-form button[type=submit]").click()
    WebDriverWait(driver, 30).until(ec.url_to_be(base + "/"))


def tab_order(driver: Any, steps: int = 12) -> list[dict[str, Any]]:
    """The elements the Tab key reaches from the top of the page, with their focus outline."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    driver.refresh()  # a fresh page: the first Tab starts at the top of the document
    reached = []
    for _ in range(steps):
        ActionChains(driver).send_keys(Keys.TAB).perform()
        reached.append(driver.execute_script(
            "const e = document.activeElement; const s = getComputedStyle(e);"
            "return {tag: e.tagName.toLowerCase(), text: (e.innerText || e.value || '')"
            ".trim().slice(0, 40), outline: s.outlineStyle, width: s.outlineWidth,"
            " shadow: s.boxShadow, tabindex: e.getAttribute('tabindex'),"
            " role: e.getAttribute('role'), label: e.getAttribute('aria-label')"
            " || e.getAttribute('aria-labelledby')};"))
        if reached[-1]["tag"] == "body":  # past the last control: focus left the page
            reached.pop()
            break
    return reached
