#!/usr/bin/python3
"""The dashboard at GET / in headless Chromium (Debian's chromium, chromium-driver
and python3-selenium): the page loads with no outside resources, shows the
health figures and the nodes of GET /cluster, submits through the form (and shows a 400's detail), follows a
job to success over the live updates, downloads its submission.csv, shows its
logs, and cancels a slow job with its button. Leaves a screenshot in /tmp."""
import os
import shutil
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
from harness import Checks, Server, make_mirror  # noqa: E402

from selenium import webdriver  # noqa: E402
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402

URL = "https://www.kaggle.com/competitions/{}"
CSV = b"id,target\n1,0\n2,1\n"
SCREENSHOT = os.environ.get("KAGENT_DASHBOARD_SCREENSHOT", "/tmp/kagent-dashboard.png")


def chrome(download_dir):
    opts = webdriver.ChromeOptions()
    opts.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    profile = tempfile.mkdtemp(prefix="kagent-chrome-")
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", f"--user-data-dir={profile}",
                "--window-size=1440,900"):
        opts.add_argument(arg)
    opts.add_experimental_option("prefs", {
        "download.default_directory": download_dir,
        "download.prompt_for_download": False,
        "safebrowsing.enabled": False,
    })
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(shutil.which("chromedriver") or "/usr/bin/chromedriver")
    driver = webdriver.Chrome(service=service, options=opts)
    try:
        driver.execute_cdp_cmd("Browser.setDownloadBehavior",
                               {"behavior": "allow", "downloadPath": download_dir})
    except WebDriverException:
        driver.execute_cdp_cmd("Page.setDownloadBehavior",
                               {"behavior": "allow", "downloadPath": download_dir})
    return driver, profile


def wait(pred, timeout, step=0.1):
    """Calls pred until it returns something truthy; returns it or None."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            got = pred()
            if got:
                return got
        except (StaleElementReferenceException, WebDriverException):
            pass  # the row was re-rendered under us: ask again
        time.sleep(step)
    return None


def text(driver, css):
    els = driver.find_elements(By.CSS_SELECTOR, css)
    return els[0].text.strip() if els else ""


def job_of_row(driver, competition):
    """The job id of the newest row of a competition (rows are newest first).
    An id, not the element: rows are re-rendered on every update."""
    for row in driver.find_elements(By.CSS_SELECTOR, "tr[data-job-id]"):
        if row.find_element(By.CSS_SELECTOR, "td.competition").text.strip() == competition:
            return row.get_attribute("data-job-id")
    return None


def row_by_id(driver, job_id):
    rows = driver.find_elements(By.CSS_SELECTOR, f'tr[data-job-id="{job_id}"]')
    return rows[0] if rows else None


def submit(driver, url, budget=""):
    field = driver.find_element(By.ID, "submit-url")
    field.clear()
    field.send_keys(url)
    box = driver.find_element(By.ID, "submit-budget")
    box.clear()
    if budget:
        box.send_keys(budget)
    driver.find_element(By.ID, "submit-btn").click()


def main():
    c = Checks()
    mirror = make_mirror(tempfile.mkdtemp(prefix="kagent-mirror-"), {
        "quick": "sleep train 4",
        "slow": "sleep train 120",
    })
    downloads = tempfile.mkdtemp(prefix="kagent-downloads-")
    # Its own embedded PostgreSQL, so no job left by another test holds a slot.
    srv = Server(competitions=mirror, database_url="", extra=["--max-running=3"]).start(timeout=120)
    driver = profile = None
    try:
        driver, profile = chrome(downloads)
        run(c, srv, driver, downloads)
    except Exception as e:  # report, then the closing line
        c.check(False, f"dashboard test raised {type(e).__name__}: {e}")
        if driver:
            try:
                driver.save_screenshot(SCREENSHOT)
                print(f"screenshot (at failure): {SCREENSHOT}")
            except WebDriverException:
                pass
    finally:
        if driver:
            try:
                for entry in driver.get_log("browser"):
                    if entry.get("level") == "SEVERE":
                        print("browser:", entry.get("message"))
            except WebDriverException:
                pass
            driver.quit()
        if profile:
            shutil.rmtree(profile, ignore_errors=True)
        srv.stop()
        if c.failed:
            print(srv.tail(20))
    return c.finish()


def run(c, srv, driver, downloads):
    base = f"http://127.0.0.1:{srv.port}/"

    # --- the page itself ---------------------------------------------------
    r = srv.get("/")
    c.equal(r.status, 200, "GET / answers 200")
    c.check(r.headers.get("Content-Type", "").startswith("text/html"),
            f"GET / is text/html: {r.headers.get('Content-Type')}")
    page = r.body.decode(errors="replace")
    c.check('id="submit-url"' in page and 'id="jobs-table"' in page, "GET / is the dashboard")
    for outside in ("<script src", 'rel="stylesheet"', "@import", "url(http", "fonts.googleapis",
                    'src="http', 'href="http'):
        c.check(outside not in page, f"the page loads nothing from outside ({outside!r})")

    c.check('id="nodes-panel"' in page and 'request("GET", "cluster")' in page,
            "the page has a nodes panel that fetches /cluster")

    # --- GET /cluster of a standalone server: itself, one node ------------
    r = srv.get("/cluster")
    c.equal(r.status, 200, "GET /cluster answers 200 on a standalone server")
    nodes = r.json()["nodes"] if r.status == 200 else []
    c.equal(len(nodes), 1, f"a standalone server lists exactly one node: {nodes}")
    if nodes:
        c.equal(nodes[0]["state"], "up", "its one node is up")
        c.equal(nodes[0]["slots"], 3, "its one node has --max-running slots")
        c.equal(r.json()["slots"], 3, "the cluster's slots are --max-running")

    driver.get(base)
    c.check("kagent" in driver.title, f"title: {driver.title!r}")
    if nodes:
        name = nodes[0]["name"]
        c.check(wait(lambda: text(driver, f'#nodes-body tr[data-node="{name}"] .node-state') == "up"
                     and text(driver, f'#nodes-body tr[data-node="{name}"] .node-busy') == "0 / 3", 10),
                f"the nodes panel shows {name} up with 0 / 3 slots busy: {text(driver, '#nodes-body')!r}")

    # --- header figures from /health ---------------------------------------
    c.check(wait(lambda: text(driver, "#health-text") == "healthy", 15),
            f"health shows healthy: {text(driver, '#health-text')!r}")
    health = srv.get("/health").json()
    c.equal(text(driver, "#max-running"), "3", "capacity max_running shown")
    c.equal(text(driver, "#max-queued"), str(health["capacity"]["max_queued"]),
            "capacity max_queued shown")
    c.equal(text(driver, "#db-status"), health["services"]["database"], "database status shown")
    c.equal(text(driver, "#sandbox-mode"), health["services"]["sandbox"], "sandbox mode shown")

    # --- live connection ----------------------------------------------------
    live = wait(lambda: driver.find_element(By.ID, "live-status").get_attribute("data-state")
                == "live", 15)
    c.check(live, "the jobs WebSocket connects (updates: live); state: "
            + str(driver.find_element(By.ID, "live-status").get_attribute("data-state")))

    # --- a refused URL shows the server's detail ---------------------------
    bad = "https://example.com/not-kaggle"
    want = srv.post_json("/run", {"kaggle_url": bad})
    c.equal(want.status, 400, "POST /run of a non-Kaggle URL is 400")
    submit(driver, bad)
    got = wait(lambda: driver.find_element(By.ID, "submit-msg").get_attribute("class") == "error"
               and text(driver, "#submit-msg"), 10)
    c.equal(got, want.json()["detail"], "the form shows the 400's detail")

    # --- a budget the server refuses shows its detail too -------------------
    submit(driver, URL.format("quick"), budget="5")
    got = wait(lambda: driver.find_element(By.ID, "submit-msg").get_attribute("class") == "error"
               and text(driver, "#submit-msg"), 10)
    c.check(got and "between 10 and" in got, f"the form shows why a budget is refused: {got!r}")

    # --- submit through the form (with a budget) and follow it to success ----
    submit(driver, URL.format("quick"), budget="30")
    c.check(wait(lambda: driver.find_element(By.ID, "submit-msg").get_attribute("class") == "ok", 10),
            f"the form reports the job: {text(driver, '#submit-msg')!r}")
    job_id = wait(lambda: job_of_row(driver, "quick"), 10) or ""
    c.check(job_id, "a row for the submitted job appears")
    c.check(job_id[:8] in text(driver, "#submit-msg"), "the form names the job id")
    c.equal(srv.get(f"/status/{job_id}").status, 200, "the row's job exists on the server")
    c.equal(srv.get(f"/status/{job_id}").json()["metadata"].get("time_budget_seconds"), 30,
            "the form's budget reached the job")

    seen_status, seen_progress, polled_while_live = [], [], True

    def watch():
        nonlocal polled_while_live
        r = row_by_id(driver, job_id)
        st = r.get_attribute("data-status")
        p = float(r.find_element(By.CSS_SELECTOR, "[data-progress]").get_attribute("data-progress"))
        if not seen_status or seen_status[-1] != st:
            seen_status.append(st)
        if not seen_progress or seen_progress[-1] != p:
            seen_progress.append(p)
        if driver.find_element(By.ID, "live-status").get_attribute("data-state") != "live":
            polled_while_live = False
        return st in ("success", "failed", "timeout", "cancelled") and st

    final = wait(watch, 90, step=0.05)
    c.equal(final, "success", "the row reaches success")
    c.check("running" in seen_status, f"the row showed running on the way: {seen_status}")
    c.check(any(0 < p < 1 for p in seen_progress),
            f"the progress bar moved through intermediate values: {seen_progress}")
    c.check(seen_progress == sorted(seen_progress), f"progress never went back: {seen_progress}")
    c.check(seen_progress and seen_progress[-1] == 1.0, "progress ends at 1")
    c.check(live and polled_while_live, "the updates came over the WebSocket (never fell back to polling)")
    row = row_by_id(driver, job_id)
    c.check("fake" in row.find_element(By.CSS_SELECTOR, "td.model").text
            and "0.75" in row.find_element(By.CSS_SELECTOR, "td.model").text,
            f"chosen model and CV score shown: {row.find_element(By.CSS_SELECTOR, 'td.model').text!r}")
    c.check(not row.find_elements(By.CSS_SELECTOR, ".cancel-btn"), "no cancel button once done")
    c.check(row.find_element(By.CSS_SELECTOR, "td:nth-child(8)").text.strip() not in ("", "—"),
            "completed time shown")

    # --- download the submission ------------------------------------------
    links = row.find_elements(By.CSS_SELECTOR, "a.download")
    c.equal(len(links), 1, "one download link on the succeeded row")
    if links:
        href = links[0].get_attribute("href")
        c.check(href.endswith(f"/result/{job_id}/submission.csv"), f"download href: {href}")
        with urllib.request.urlopen(href, timeout=30) as resp:
            c.equal(resp.read(), CSV, "the link's href returns the CSV")
        links[0].click()
        path = wait(lambda: [f for f in os.listdir(downloads)
                             if f.endswith(".csv") and not f.endswith(".crdownload")], 20)
        c.check(path, f"clicking the link downloads a file: {os.listdir(downloads)}")
        if path:
            with open(os.path.join(downloads, path[0]), "rb") as f:
                c.equal(f.read(), CSV, "the downloaded file is the submission")
    code = row.find_elements(By.CSS_SELECTOR, "a.code")
    c.check(code and code[0].get_attribute("href").endswith(f"/result/{job_id}/solution.py"),
            "a link to the generated code")

    # --- logs of the finished job -------------------------------------------
    row.find_element(By.CSS_SELECTOR, ".logs-btn").click()
    c.check(wait(lambda: "train done" in driver.find_element(By.ID, "logs-output").text, 10),
            "the logs view shows the job's log")
    driver.find_element(By.ID, "logs-close").click()

    # --- cancel a slow job with its button ------------------------------------
    submit(driver, URL.format("slow"))
    slow_id = wait(lambda: job_of_row(driver, "slow"), 10) or ""
    c.check(slow_id, "a row for the slow job appears")
    c.check(wait(lambda: row_by_id(driver, slow_id).get_attribute("data-status") == "running"
                 and row_by_id(driver, slow_id).find_element(By.CSS_SELECTOR, "td.stage").text
                 .startswith("train"), 60),
            "the slow job is running its train stage")
    # live logs of a running job stream over /ws/jobs/{id}
    c.check(wait(lambda: row_by_id(driver, slow_id).find_element(By.CSS_SELECTOR, ".logs-btn")
                 .click() or True, 5), "the logs button of the running job can be clicked")
    c.check(wait(lambda: "train 2/120" in driver.find_element(By.ID, "logs-output").text, 15),
            "the logs view of a running job grows live")
    c.equal(text(driver, "#logs-state"), "live", "the running job's logs are streamed")
    driver.set_window_size(1440, 1000)
    driver.save_screenshot(SCREENSHOT)
    print(f"screenshot: {SCREENSHOT}")

    clicked = wait(lambda: row_by_id(driver, slow_id).find_element(By.CSS_SELECTOR, ".cancel-btn")
                   .click() or True, 5)
    c.check(clicked, "the cancel button can be clicked")
    t0 = time.time()
    c.check(wait(lambda: row_by_id(driver, slow_id).get_attribute("data-status") == "cancelled", 15),
            "the row shows cancelled")
    c.check(time.time() - t0 < 10, f"cancelled shown within {time.time() - t0:.1f} s")
    c.equal(srv.get(f"/status/{slow_id}").json()["status"], "cancelled", "the server says cancelled")
    c.check(not row_by_id(driver, slow_id).find_elements(By.CSS_SELECTOR, ".cancel-btn"),
            "the cancel button is gone")
    c.check(not row_by_id(driver, slow_id).find_elements(By.CSS_SELECTOR, "a.download"),
            "no download link on a cancelled job")
    c.check(wait(lambda: text(driver, "#logs-state") == "cancelled", 10),
            f"the live logs end with the terminal status: {text(driver, '#logs-state')!r}")

    # --- nothing fetched from anywhere but the server ------------------------
    origins = driver.execute_script(
        "return performance.getEntriesByType('resource').map(e => new URL(e.name).origin)")
    c.check(all(o == base.rstrip("/") for o in origins), f"only same-origin requests: {set(origins)}")


if __name__ == "__main__":
    sys.exit(main())
