#!/usr/bin/env python3
"""The customer portal in a real browser: headless Chromium (Debian `chromium`, `chromium-driver`)
driven through WebDriver by Selenium (PyPI), against `tld serve` on a free loopback port.

Sign in as a customer, fill the change form with a bad national ID (the message is next to the
field and nothing typed is lost), then a valid one with an error elsewhere (the number is kept sealed
on the server, shown masked, never sent back), correct and SEND it, sign in as the lab and accept it, then see the
customer's overview change; a company without an agreement fills in "create agreement" (a bad CVR
kept on its field), SENDs it and the lab's accept creates the customer; on a second lab made by
`tld demo`, served on the lab day after its release (`tld serve --on 2027-02-05`), the customer
downloads January's final result list, a packing slip and a charges statement (PDF) from /documents.
Screenshots go to .build/artefacts/browser/.

With `--postgres URL` (scripts/browser-test.sh, inside scripts/pg-test-cluster.sh) the same flow up
to the agreement form runs once more on a lab in that PostgreSQL database (`tld import`, `tld account`
and `tld serve --database postgres://… --key-file …`); its screenshots are named `pg-…`. The downloads
need `tld demo`, which makes a SQLite lab only.

Usage: portal_flow.py PATH/TO/tld [--postgres URL]   (scripts/browser-test.sh builds tld and runs this in its venv)
"""
import pathlib
import re
import subprocess
import sys
import tempfile

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

ROOT = pathlib.Path(__file__).resolve().parents[2]
ARTEFACTS = ROOT / ".build" / "artefacts" / "browser"
PASSWORD = "portal-browser-test-1"
DEMO_DAY = "2027-02-05"


def tld(binary, *args, stdin=None):
    done = subprocess.run([binary, *args], input=stdin, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"tld {' '.join(args)} failed ({done.returncode}): {done.stderr.strip()}")
    return done.stdout


def main():
    binary = sys.argv[1]
    postgres = sys.argv[3] if len(sys.argv) > 3 and sys.argv[2] == "--postgres" else None
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    work = pathlib.Path(tempfile.mkdtemp(prefix="tld-portal-browser-"))
    db = postgres or str(work / "lab.sqlite")
    # A PostgreSQL lab has no database file to keep its national-ID key beside: it is named.
    key = ["--key-file", str(work / "lab.key")] if postgres else []
    tld(binary, "import", str(ROOT / "examples" / "lab-import.csv"), "--database", db, *key)
    tld(binary, "account", "add", "--user", "kunde", "--customer", "K-1001", "--password-stdin", "--database", db, stdin=PASSWORD + "\n")
    tld(binary, "account", "add", "--user", "lab", "--role", "lab", "--password-stdin", "--database", db, stdin=PASSWORD + "\n")
    server = subprocess.Popen([binary, "serve", "--port", "0", "--database", db, *key], stdout=subprocess.PIPE, text=True)
    try:
        line = server.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)", line)
        if not match:
            sys.exit(f"tld serve did not say where it listens: {line!r}")
        base = f"http://127.0.0.1:{match.group(1)}"
        run_browser(base, prefix="pg-" if postgres else "")
    finally:
        server.terminate()
        server.wait(timeout=10)
    if postgres:
        print("browser test on PostgreSQL passed; screenshots in", ARTEFACTS, "(pg-…)")
        return
    # Downloads need shipments and charges: a second lab, the whole demo day (tld demo).
    demo = str(work / "demo.sqlite")
    tld(binary, "demo", "--database", demo, "--out", str(work / "demo"))
    tld(binary, "account", "add", "--user", "kunde", "--customer", "K-1001", "--password-stdin", "--database", demo, stdin=PASSWORD + "\n")
    # The demo's readout and release are on 2027-02-04: the portal runs on the next lab day
    # (tld serve --on), when January's wear periods are over and their result list is final.
    server = subprocess.Popen([binary, "serve", "--port", "0", "--on", DEMO_DAY, "--database", demo],
                              stdout=subprocess.PIPE, text=True)
    try:
        line = server.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)", line)
        if not match:
            sys.exit(f"tld serve did not say where it listens: {line!r}")
        run_downloads(f"http://127.0.0.1:{match.group(1)}")
    finally:
        server.terminate()
        server.wait(timeout=10)
    print("browser test passed; screenshots in", ARTEFACTS)


def new_driver():
    options = Options()
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1200,1600", "--lang=da-DK"):
        options.add_argument(flag)
    options.binary_location = "/usr/bin/chromium"
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


FETCH = """
const done = arguments[arguments.length - 1];
fetch(arguments[0], {credentials: 'same-origin'})
  .then(async r => { const b = new Uint8Array(await r.arrayBuffer());
                     done([r.status, r.headers.get('content-type') || '', r.headers.get('content-disposition') || '',
                           String.fromCharCode(...b.slice(0, 5)), b.length]); })
  .catch(e => done(['error', String(e), '', '', 0]));
"""


def run_downloads(base):
    """Sign in on the demo lab, open /documents, download January's final result list, a packing
    slip and a charges statement (PDF)."""
    driver = new_driver()
    driver.set_script_timeout(30)
    try:
        driver.get(base + "/signin")
        driver.find_element(By.ID, "f-userName").send_keys("kunde")
        driver.find_element(By.ID, "f-password").send_keys(PASSWORD)
        driver.find_element(By.CSS_SELECTOR, "form[action='/signin'] button").click()
        WebDriverWait(driver, 20).until(lambda d: "/overview" in d.current_url)
        driver.find_element(By.CSS_SELECTOR, "a[href='/documents']").click()
        WebDriverWait(driver, 20).until(lambda d: d.find_elements(By.ID, "packing-slips"))
        driver.save_screenshot(str(ARTEFACTS / "20-documents.png"))
        results = driver.find_element(By.CSS_SELECTOR, "#result-lists a[href='/documents/results/2027-01.pdf']")
        status, kind, disposition, head, size = driver.execute_async_script(FETCH, results.get_attribute("href"))
        assert status == 200 and kind == "application/pdf" and head == "%PDF-", ("result list", status, kind, head)
        assert "attachment" in disposition and "results-K-1001-2027-01-31.pdf" in disposition, disposition
        # A4 pages with DejaVu embedded: tens of kilobytes, never an empty or error body.
        assert 10_000 < size < 5_000_000, f"result list PDF of {size} bytes"
        for list_id in ("packing-slips", "charges"):
            link = driver.find_element(By.CSS_SELECTOR, f"#{list_id} a[href$='.pdf']")
            status, kind, disposition, head, size = driver.execute_async_script(FETCH, link.get_attribute("href"))
            assert status == 200 and kind == "application/pdf" and head == "%PDF-", (list_id, status, kind, head)
            assert "attachment" in disposition and size > 1000, (disposition, size)
    except Exception:
        driver.save_screenshot(str(ARTEFACTS / "29-downloads-failure.png"))
        raise
    finally:
        driver.quit()


def run_browser(base, prefix=""):
    driver = new_driver()
    step = [0]

    def shot(name):
        step[0] += 1
        driver.save_screenshot(str(ARTEFACTS / f"{prefix}{step[0]:02d}-{name}.png"))

    def fill(name, value):
        field = driver.find_element(By.ID, "f-" + name)
        field.clear()
        field.send_keys(Keys.CONTROL, "a")
        field.send_keys(Keys.DELETE)
        field.send_keys(value)
        assert field.get_attribute("value") == value, f"{name}: {field.get_attribute('value')!r}"

    def wait_url(part):
        WebDriverWait(driver, 20).until(lambda d: part in d.current_url)

    def sign_in(user):
        driver.get(base + "/signin")
        fill("userName", user)
        fill("password", PASSWORD)
        driver.find_element(By.CSS_SELECTOR, "form[action='/signin'] button").click()

    def sign_out():
        driver.find_element(By.CSS_SELECTOR, "form[action='/signout'] button").click()
        wait_url("/signin")

    try:
        sign_in("kunde")
        wait_url("/overview")
        assert "Andersen, Anna" in driver.page_source
        shot("overview")

        driver.get(base + "/changes/new?kind=enrol")
        fill("wearerName", "Browser, Berit")
        fill("nationalID", "320199-1234")  # no 32nd day: refused
        Select(driver.find_element(By.ID, "f-type")).select_by_value("finger")
        Select(driver.find_element(By.ID, "f-period")).select_by_value("1m")
        fill("start", "2027-02-01")
        fill("submitterName", "Søren Ørum")
        fill("submitterPhone", "+45 86 00 00 00")
        fill("submitterEmail", "soren@example.dk")
        fill("submitterEmailConfirm", "soren@example.dk")
        driver.find_element(By.CSS_SELECTOR, "button[value='send']").click()
        WebDriverWait(driver, 20).until(lambda d: d.find_elements(By.ID, "f-nationalID-error"))
        error = driver.find_element(By.ID, "f-nationalID-error")
        assert error.is_displayed() and error.text, "no message next to the national ID"
        assert driver.find_element(By.ID, "f-wearerName").get_attribute("value") == "Browser, Berit", "typed name lost"
        assert driver.find_element(By.ID, "f-submitterEmail").get_attribute("value") == "soren@example.dk"
        shot("form-error")

        # A valid CPR number, but the e-mail repeated wrong: the number is kept sealed on the server
        # (shown masked as kept), never sent back to the browser, and need not be typed again.
        fill("nationalID", "150385-4321")
        fill("submitterEmailConfirm", "soren@example.com")
        driver.find_element(By.CSS_SELECTOR, "button[value='send']").click()
        WebDriverWait(driver, 20).until(lambda d: d.find_elements(By.ID, "f-submitterEmailConfirm-error"))
        assert not driver.find_elements(By.ID, "f-nationalID-error"), "the valid CPR number got an error"
        assert "150385" not in driver.page_source and "1503854321" not in driver.page_source, "a valid CPR number was sent back"
        hint = driver.find_element(By.ID, "f-nationalID-hint").text
        assert "1503••-••••" in hint, hint
        assert driver.find_element(By.ID, "f-nationalID").get_attribute("value") == ""
        shot("national-id-kept")
        fill("submitterEmailConfirm", "soren@example.dk")
        driver.find_element(By.CSS_SELECTOR, "button[value='send']").click()
        wait_url("/changes/")
        WebDriverWait(driver, 20).until(lambda d: d.find_elements(By.ID, "submission"))
        assert "1503••-••••" in driver.page_source and "150385-4321" not in driver.page_source
        shot("sent")
        sign_out()

        sign_in("lab")
        wait_url("/lab/queue")
        assert "Browser, Berit" in driver.page_source
        shot("lab-queue")
        driver.find_element(By.CSS_SELECTOR, "form[action$='/accept'] button").click()
        WebDriverWait(driver, 20).until(lambda d: "TILM-" in d.page_source)
        shot("lab-accepted")
        sign_out()

        sign_in("kunde")
        wait_url("/overview")
        rows = driver.find_element(By.ID, "enrolments").text
        assert "Browser, Berit" in rows and "1503" in rows, rows
        shot("overview-changed")

        # Unenrol: the effective last day is shown before the customer confirms with SEND.
        driver.get(base + "/changes/new?kind=unenrol")
        fill("enrolment", "TILM-00000001")
        fill("wearerName", "Anna Andersen")
        fill("lastDay", "2027-03-10")
        fill("submitterName", "Søren Ørum")
        fill("submitterPhone", "+45 86 00 00 00")
        fill("submitterEmail", "soren@example.dk")
        fill("submitterEmailConfirm", "soren@example.dk")
        driver.find_element(By.CSS_SELECTOR, "button[value='send']").click()
        WebDriverWait(driver, 20).until(lambda d: d.find_elements(By.ID, "preview"))
        assert "2027-03-31" in driver.find_element(By.ID, "preview").text
        shot("unenrol-preview")
        driver.find_element(By.CSS_SELECTOR, "button[value='send']").click()
        wait_url("/changes/")
        shot("unenrol-sent")

        # SAVE a card handover half filled in, then resume it by the link.
        driver.get(base + "/changes/new?kind=handover")
        fill("card", "TLD-000001")
        fill("wearerName", "Gemt, Gitte")
        fill("submitterName", "Søren Ørum")
        fill("submitterPhone", "+45 86 00 00 00")
        fill("submitterEmail", "soren@example.dk")
        fill("submitterEmailConfirm", "soren@example.dk")
        driver.find_element(By.CSS_SELECTOR, "button[value='save']").click()
        WebDriverWait(driver, 20).until(lambda d: d.find_elements(By.ID, "resume-link"))
        shot("saved")
        driver.find_element(By.ID, "resume-link").click()
        WebDriverWait(driver, 20).until(lambda d: d.find_elements(By.ID, "f-wearerName"))
        assert driver.find_element(By.ID, "f-wearerName").get_attribute("value") == "Gemt, Gitte"
        assert driver.find_element(By.ID, "f-card").get_attribute("value") == "TLD-000001"
        shot("resumed")
        sign_out()

        sign_in("lab")
        wait_url("/lab/queue")
        driver.find_element(By.CSS_SELECTOR, "form[action$='/accept'] button").click()
        WebDriverWait(driver, 20).until(lambda d: "2027-03-31" in d.page_source)
        sign_out()
        sign_in("kunde")
        wait_url("/overview")
        rows = driver.find_element(By.ID, "enrolments").text
        assert "2027-03-31" in rows, rows
        shot("overview-unenrolled")
        sign_out()

        # Create agreement: no account needed; a bad CVR keeps its message and everything typed.
        driver.find_element(By.CSS_SELECTOR, "a[href='/agreement']").click()
        WebDriverWait(driver, 20).until(lambda d: d.find_elements(By.ID, "f-companyID"))
        for name, value in [("submitterName", "Ny Kunde"), ("submitterPhone", "+45 70 00 00 00"),
                            ("submitterEmail", "ny@example.dk"), ("submitterEmailConfirm", "ny@example.dk"),
                            ("name", "Browserklinikken ApS"), ("companyID", "1234"), ("deliveryAddress", "Browservej 1, 8000 Aarhus C"),
                            ("contactName", "Ny Kunde"), ("contactEmail", "ny@example.dk"), ("invoiceReference", "REK-1"),
                            ("start", "2027-03-01"), ("wearer1Name", "Første, Frida"), ("wearer1NationalID", "240799-1357")]:
            fill(name, value)
        Select(driver.find_element(By.ID, "f-invoiceChannel")).select_by_value("paper")
        Select(driver.find_element(By.ID, "f-wearer1Type")).select_by_value("whole-body")
        Select(driver.find_element(By.ID, "f-wearer1Period")).select_by_value("3m")
        driver.find_element(By.CSS_SELECTOR, "button[value='send']").click()
        WebDriverWait(driver, 20).until(lambda d: d.find_elements(By.ID, "f-companyID-error"))
        error = driver.find_element(By.ID, "f-companyID-error")
        assert error.is_displayed() and error.text, "no message next to the CVR number"
        assert driver.find_element(By.ID, "f-name").get_attribute("value") == "Browserklinikken ApS", "typed name lost"
        assert "240799-1357" not in driver.page_source, "a valid CPR number was sent back to the browser"
        shot("agreement-error")
        fill("companyID", "29403473")
        driver.find_element(By.CSS_SELECTOR, "button[value='send']").click()
        WebDriverWait(driver, 20).until(lambda d: d.find_elements(By.ID, "resume-link"))
        shot("agreement-sent")
        sign_in("lab")
        wait_url("/lab/queue")
        assert "Browserklinikken ApS" in driver.page_source and "2407••-••••" in driver.page_source
        driver.find_element(By.CSS_SELECTOR, "form[action^='/lab/agreements/'][action$='/accept'] button").click()
        WebDriverWait(driver, 20).until(lambda d: "created" in d.page_source)
        shot("agreement-accepted")
    except Exception:
        shot("failure")
        raise
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
