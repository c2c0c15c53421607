#!/usr/bin/python3
"""The dashboard at GET / in headless Chromium (Debian's chromium, chromium-driver
and python3-selenium): the page loads with no outside resources, shows the
health figures and the nodes of GET /cluster, submits through the form (and shows a 400's detail), follows a
job to success over the live updates, downloads its submission.csv, shows its
logs, and cancels a slow job with its button. Then the job page (#/jobs/{id}):
opened from the table while the job runs, it follows it live to success and
shows the stage timeline (a failed and a retried attempt), the candidate race
(one bar per scored candidate, the winner, the trivial and baseline lines),
the profile, the log tail and the downloads; the screenshot's chart is checked
pixel by pixel; a failed, a cancelled and an unknown job show without errors.
Screenshots go to the test's output dir (KAGENT_TEST_OUTPUT_DIR, by default
build/test-output/test_dashboard); KAGENT_DOCS_SCREENSHOT=docs/img/job-page.png
also writes the job page's there, for the README."""
import json
import os
import shutil
import struct
import sys
import tempfile
import time
import urllib.request
import zlib

sys.path.insert(0, os.path.dirname(__file__))
from harness import BUILD, Checks, Server, make_mirror  # noqa: E402

from selenium import webdriver  # noqa: E402
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402

URL = "https://www.kaggle.com/competitions/{}"
CSV = b"id,target\n1,0\n2,1\n"
OUT = os.environ.get("KAGENT_TEST_OUTPUT_DIR") or os.path.join(BUILD, "test-output", "test_dashboard")
SCREENSHOT = os.environ.get("KAGENT_DASHBOARD_SCREENSHOT", os.path.join(OUT, "dashboard.png"))
JOB_SCREENSHOT = os.path.join(OUT, "job-page.png")
DOCS_SCREENSHOT = os.environ.get("KAGENT_DOCS_SCREENSHOT", "")
# The race job's fake stages write a profile, a plan and metrics.json like the
# real agent's (tests/fixtures/fake-stage); train fails once and is retried.
RACE = "race\nsleep analyze 1\nsleep plan 1\nsleep generate 1\nflaky train\nsleep train 3"
RACE_BARS = ["hgb", "xgboost", "linear", "extra_trees"]   # text_linear is skipped: no score
STAGES = ["analyze", "plan", "generate", "train"]
DOWNLOADS = ["submission.csv", "solution.py", "profile.json", "plan.json", "metrics.json",
             "validation.json"]


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


CONSOLE = []   # every SEVERE browser console message seen, for the closing report


def console_errors(driver):
    """The SEVERE console messages since the last call (reading the log empties it)."""
    try:
        got = [e.get("message", "") for e in driver.get_log("browser") if e.get("level") == "SEVERE"]
    except WebDriverException:
        return []
    CONSOLE.extend(got)
    return got


def png_rows(data):
    """(width, height, bytes per pixel, rows) of an 8-bit RGB or RGBA PNG, decoded
    with the standard library only (zlib + the five row filters)."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, head = 8, [], None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        pos += 12 + n
        if kind == b"IHDR":
            head = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
    w, h, depth, ctype, _, _, interlace = head
    if depth != 8 or ctype not in (2, 6) or interlace:
        raise ValueError(f"unsupported PNG: depth {depth}, colour type {ctype}, interlace {interlace}")
    bpp = 3 if ctype == 2 else 4
    raw, stride = zlib.decompress(b"".join(idat)), w * bpp
    rows, prev = [], bytearray(stride)
    for y in range(h):
        at = y * (stride + 1)
        f, line = raw[at], bytearray(raw[at + 1:at + 1 + stride])
        if f == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 255
        elif f == 2:
            line = bytearray((a + b) & 255 for a, b in zip(line, prev))
        elif f == 3:
            for i in range(stride):
                line[i] = (line[i] + ((line[i - bpp] if i >= bpp else 0) + prev[i]) // 2) & 255
        elif f == 4:
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b, cc = prev[i], prev[i - bpp] if i >= bpp else 0
                p = a + b - cc
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - cc)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else cc)) & 255
        rows.append(line)
        prev = line
    return w, h, bpp, rows


def region_colours(png, rect):
    """Pixels of a screenshot inside rect {x, y, width, height}: (distinct colours
    at 4 bits a channel, share of pixels that are not the white/grey background,
    the set of exact colours)."""
    w, h, bpp, rows = png
    x0, y0 = max(0, int(rect["x"])), max(0, int(rect["y"]))
    x1, y1 = min(w, int(rect["x"] + rect["width"])), min(h, int(rect["y"] + rect["height"]))
    coarse, exact, ink, total = set(), set(), 0, 0
    for y in range(y0, y1, 2):
        row = rows[y]
        for x in range(x0, x1, 2):
            r, g, b = row[x * bpp], row[x * bpp + 1], row[x * bpp + 2]
            total += 1
            exact.add((r, g, b))
            coarse.add((r >> 4, g >> 4, b >> 4))
            if min(r, g, b) < 235:
                ink += 1
    return len(coarse), (ink / total if total else 0), exact


def near(colours, rgb, tol=12):
    return any(all(abs(a - b) <= tol for a, b in zip(c, rgb)) for c in colours)


def attr_list(driver, css, attr):
    return [e.get_attribute(attr) for e in driver.find_elements(By.CSS_SELECTOR, css)]


def job_page(c, srv, driver, base, cancelled_id):
    """The job page of a job with a real candidate race, followed live; then a
    failed, a cancelled and an unknown job."""
    driver.set_window_size(1440, 1000)
    driver.get(base)
    console_errors(driver)   # what the dashboard's refused forms logged is not the job page's
    race_id = srv.submit("race")

    # --- the table links each row to its job page ---------------------------
    c.check(wait(lambda: row_by_id(driver, race_id), 10), "the race job has a row")
    link = wait(lambda: row_by_id(driver, race_id).find_element(By.CSS_SELECTOR, "a.job-link"), 5)
    c.check(link and link.get_attribute("href") == f"{base}#/jobs/{race_id}",
            f"the row links to its page: {link and link.get_attribute('href')}")
    details = row_by_id(driver, race_id).find_elements(By.CSS_SELECTOR, "a.details")
    c.check(details and details[0].get_attribute("href") == f"{base}#/jobs/{race_id}",
            "the row's Details button links to the page too")
    wait(lambda: row_by_id(driver, race_id).find_element(By.CSS_SELECTOR, "a.job-link").click() or True, 5)
    c.check(wait(lambda: driver.find_element(By.ID, "job-view").is_displayed()
                 and not driver.find_element(By.ID, "list-view").is_displayed(), 5),
            "clicking it shows the job page instead of the table")
    c.equal(driver.execute_script("return location.hash"), f"#/jobs/{race_id}", "the location is #/jobs/{id}")
    c.check(wait(lambda: text(driver, "#job-id") == race_id, 5), "the page names the job")

    # --- followed live to success --------------------------------------------
    seen_status, seen_running, race_before_train = [], False, True

    def watch():
        nonlocal seen_running, race_before_train
        st = text(driver, "#job-status")
        if not seen_status or seen_status[-1] != st:
            seen_status.append(st)
        if driver.find_elements(By.CSS_SELECTOR, '#timeline .tl-attempt[data-outcome="running"]'):
            seen_running = True
        # the bars and the train attempt's end are drawn from the same events
        if driver.find_elements(By.CSS_SELECTOR, "#race .cand-bar") and not driver.find_elements(
                By.CSS_SELECTOR, '#timeline rect.tl-attempt[data-stage="train"][data-outcome="done"]'):
            race_before_train = False
        return st in ("success", "failed", "timeout", "cancelled") and \
            len(driver.find_elements(By.CSS_SELECTOR, "#race .cand-bar")) > 0 and st

    final = wait(watch, 90, step=0.05)
    c.equal(final, "success", f"the page follows the job to success: {seen_status}")
    c.check("running" in seen_status, f"the page showed the job running on the way: {seen_status}")
    c.check(seen_running, "the timeline showed an attempt running")
    c.check(race_before_train, "no candidate bars before the train stage had finished")
    page_errors = console_errors(driver)
    c.check(not [e for e in page_errors if "/result/" in e],
            "a running job's page asks for no file before its stage has committed it (no 404)")
    status = srv.get(f"/status/{race_id}").json()
    metrics = srv.get(f"/result/{race_id}/metrics.json").json()

    # --- stage timeline --------------------------------------------------------
    c.equal(attr_list(driver, "#timeline g.tl-row", "data-stage"), STAGES, "one timeline row per stage")
    for stage in STAGES:
        bars = driver.find_elements(By.CSS_SELECTOR, f'#timeline g.tl-row[data-stage="{stage}"] rect.tl-attempt')
        want = 2 if stage == "train" else 1
        c.equal(len(bars), want, f"{stage}: {want} attempt bar(s)")
    c.equal(attr_list(driver, '#timeline rect.tl-attempt[data-stage="train"]', "data-outcome"),
            ["failed", "done"], "train's first attempt failed, the retry succeeded")
    c.equal(attr_list(driver, '#timeline rect.tl-attempt[data-stage="train"]', "data-attempt"), ["1", "2"],
            "train's attempts are numbered 1 and 2")
    secs = [float(v) for v in attr_list(driver, '#timeline rect.tl-attempt[data-stage="train"]', "data-seconds")]
    c.check(len(secs) == 2 and all(2.5 <= s <= 30 for s in secs), f"each train attempt took its ~3 s: {secs}")
    xs = [float(v) for v in attr_list(driver, "#timeline rect.tl-attempt", "x")]
    c.check(xs == sorted(xs), f"the attempts lie in time order along the axis: {xs}")
    rows = driver.find_elements(By.CSS_SELECTOR, "#attempts-body tr")
    c.equal(len(rows), 5, "the attempts table lists the five attempts")
    node = (status["metadata"].get("nodes") or {}).get("train") or status["metadata"].get("node")
    c.check(node and f"on {node}" in text(driver, '#timeline g.tl-row[data-stage="train"]'),
            f"the timeline names the node the stage ran on ({node})")
    c.check(node and all(node in r.text for r in rows), "each attempt's row names its node")
    c.check("retrying" in rows[3].text if len(rows) > 3 else False,
            "the failed attempt's row says why and that it was retried")

    # --- candidate race ----------------------------------------------------------
    c.equal(attr_list(driver, "#race rect.cand-bar", "data-name"), RACE_BARS,
            "one bar per scored candidate, in metrics.json's order")
    c.equal(len(driver.find_elements(By.CSS_SELECTOR, "#race rect.secs-bar")), 4, "one seconds bar per candidate")
    c.equal(len(driver.find_elements(By.CSS_SELECTOR, "#race line.est-tick")), 4, "an estimate tick per candidate")
    c.equal(attr_list(driver, '#race rect.cand-bar[data-winner="true"]', "data-name"), [metrics["chosen"]],
            "exactly the chosen candidate is marked the winner")
    c.check("winner" in (driver.find_element(By.CSS_SELECTOR, f'#race rect.cand-bar[data-name="{metrics["chosen"]}"]')
                         .get_attribute("class")), "the winner's bar has its own colour class")
    c.check("★ chosen" in text(driver, "#race"), "the winner is labelled")
    cvs = {e.get_attribute("data-name"): float(e.get_attribute("data-cv"))
           for e in driver.find_elements(By.CSS_SELECTOR, "#race rect.cand-bar")}
    want = {m["name"]: m["cv_score"] for m in metrics["candidates"] if m["cv_score"] is not None}
    c.equal(cvs, want, "each bar carries its candidate's CV score")
    heights = {e.get_attribute("data-name"): float(e.get_attribute("height"))
               for e in driver.find_elements(By.CSS_SELECTOR, "#race rect.cand-bar")}
    c.check(sorted(heights, key=heights.get) == sorted(want, key=want.get),
            f"bar heights follow the CV scores: {heights}")
    lines = {e.get_attribute("data-ref"): e for e in driver.find_elements(By.CSS_SELECTOR, "#race line.ref-line")}
    c.equal(sorted(lines), ["baseline", "trivial"], "a trivial and a baseline line")
    if len(lines) == 2:
        sc = metrics["self_check"]
        c.equal(float(lines["trivial"].get_attribute("data-value")), sc["trivial_cv"], "the trivial line is at trivial_cv")
        c.equal(float(lines["baseline"].get_attribute("data-value")), sc["baseline_cv"], "the baseline line is at baseline_cv")
        ty, by = (float(lines[k].get_attribute("y1")) for k in ("trivial", "baseline"))
        c.check(lines["trivial"].get_attribute("y1") == lines["trivial"].get_attribute("y2") and ty > by,
                f"both lines are horizontal, the trivial one below the baseline: {ty} > {by}")
        hgb = driver.find_element(By.CSS_SELECTOR, '#race rect.cand-bar[data-name="hgb"]')
        c.check(abs(float(hgb.get_attribute("y")) - by) < 1.5, "the baseline line meets the baseline's bar top")
    c.check("trivial 0.6162" in text(driver, "#race") and "baseline hgb 0.8215" in text(driver, "#race"),
            f"the lines are labelled: {text(driver, '#race')!r}")
    c.check("text_linear" in text(driver, "#race-skipped") and "no text columns" in text(driver, "#race-skipped"),
            f"the skipped candidate is listed with why: {text(driver, '#race-skipped')!r}")
    c.check("accuracy" in text(driver, "#race-summary") and "0.8350" in text(driver, "#race-summary"),
            f"the race names its metric and the chosen CV: {text(driver, '#race-summary')!r}")

    # --- profile at a glance --------------------------------------------------------
    fact = lambda k: text(driver, f'#profile-facts [data-fact="{k}"] dd')  # noqa: E731
    c.equal(fact("rows"), "891", "train rows shown")
    c.check("12 columns" in text(driver, '#profile-facts [data-fact="rows"]'), "train columns shown")
    c.equal(fact("test-rows"), "418", "test rows shown")
    c.equal(fact("metric"), "accuracy", "metric shown")
    c.check("higher is better" in text(driver, '#profile-facts [data-fact="metric"]'), "the metric's direction shown")
    c.equal(fact("target"), "Survived", "target shown")
    c.check("2 classes" in text(driver, '#profile-facts [data-fact="target"]'), "the target's classes shown")
    c.check("5 candidates" in text(driver, '#profile-facts [data-fact="plan"]'), "the plan's candidates (plan.json)")
    kinds = {e.get_attribute("data-kind"): int(e.get_attribute("data-count"))
             for e in driver.find_elements(By.CSS_SELECTOR, "#kinds rect.kind-seg")}
    c.equal(kinds, {"numeric": 5, "categorical": 4, "text": 1, "id": 1}, "columns by kind (the target apart)")
    c.check("numeric 5" in text(driver, "#kinds-legend"), f"the kinds legend: {text(driver, '#kinds-legend')!r}")

    # --- summary, downloads, log tail ------------------------------------------------
    c.check("xgboost" in text(driver, '#job-facts [data-fact="model"]')
            and "0.8350" in text(driver, '#job-facts [data-fact="model"]'), "the chosen model and CV in the summary")
    c.check(wait(lambda: text(driver, '#job-facts [data-fact="valid"] dd') == "valid", 5),
            "the submission check (validation.json) in the summary")
    for name in DOWNLOADS:
        a = driver.find_elements(By.CSS_SELECTOR, f'#job-downloads a[data-file="{name}"]')
        href = a[0].get_attribute("href") if a else ""
        c.check(href == f"{base}result/{race_id}/{name}", f"the {name} link points at its route: {href!r}")
        if href:
            with urllib.request.urlopen(href, timeout=30) as resp:
                body = resp.read()
            c.check(resp.status == 200 and body, f"{name}'s link answers 200 with content")
            if name.endswith(".json"):
                c.equal(json.loads(body), srv.get(f"/result/{race_id}/{name}").json(), f"{name} is the job's record")
    c.check(not driver.find_elements(By.CSS_SELECTOR, "#job-downloads .unavailable"), "every download is there")
    c.check(not driver.find_elements(By.CSS_SELECTOR, "#job-actions .cancel-btn"), "no cancel button once done")
    c.check(wait(lambda: "train done" in driver.find_element(By.ID, "job-tail").text, 5), "the log tail shows the job's log")
    c.check("stage_finished" in driver.find_element(By.ID, "job-tail").text, "the log tail has the stage events")

    # --- the screenshot: saved, and its charts are really drawn -------------------------
    driver.set_window_size(1440, 1800)   # the whole page, log tail included
    driver.execute_script("window.scrollTo(0, 0)")
    time.sleep(0.6)   # the resize redraws the charts on the next frame
    png = driver.get_screenshot_as_png()
    with open(JOB_SCREENSHOT, "wb") as f:
        f.write(png)
    print(f"screenshot: {JOB_SCREENSHOT}")
    if DOCS_SCREENSHOT:
        os.makedirs(os.path.dirname(os.path.abspath(DOCS_SCREENSHOT)), exist_ok=True)
        shutil.copyfile(JOB_SCREENSHOT, DOCS_SCREENSHOT)
        print(f"screenshot for the docs: {DOCS_SCREENSHOT}")
    decoded = png_rows(png)
    c.check(decoded[0] >= 1400 and decoded[1] >= 1000, f"the screenshot is the window's size: {decoded[:2]}")
    rect = lambda css: driver.execute_script(  # noqa: E731
        "const r = document.querySelector(arguments[0]).getBoundingClientRect();"
        "return {x: r.x, y: r.y, width: r.width, height: r.height}", css)
    race = rect("#race svg")
    c.check(race["width"] > 300 and race["height"] > 200 and race["y"] + race["height"] <= decoded[1],
            f"the race chart is on the screenshot: {race}")
    distinct, ink, colours = region_colours(decoded, race)
    c.check(distinct >= 8, f"the race chart has several distinct colours: {distinct}")
    c.check(0.06 <= ink <= 0.8, f"the race chart is neither blank nor a solid block: {ink:.2f} ink")
    c.check(near(colours, (0x25, 0x63, 0xeb)), "the winner's accent blue is on the chart")
    c.check(near(colours, (0x94, 0xa3, 0xb8)), "the other candidates' grey is on the chart")
    c.check(near(colours, (0xb9, 0x1c, 0x1c), 30), "the trivial line's red is on the chart")
    c.check(near(colours, (0xb4, 0x53, 0x09), 30), "the baseline line's amber is on the chart")
    distinct, ink, colours = region_colours(decoded, rect("#timeline svg"))
    c.check(distinct >= 5 and ink >= 0.05, f"the timeline is drawn: {distinct} colours, {ink:.2f} ink")
    c.check(near(colours, (0x15, 0x80, 0x3d)) and near(colours, (0xb9, 0x1c, 0x1c)),
            "the timeline shows done (green) and failed (red) attempts")
    errors = page_errors + console_errors(driver)
    c.check(not errors, f"no console errors on the job page: {errors}")

    # --- a failed job: its page says so; no file is asked for -----------------------------
    driver.set_window_size(1440, 1000)
    broken = srv.submit("broken")
    srv.wait_done(broken)
    driver.get(f"{base}#/jobs/{broken}")
    c.check(wait(lambda: text(driver, "#job-status") == "failed"
                 and len(driver.find_elements(By.CSS_SELECTOR, "#attempts-body tr")) == 2, 15),
            f"a failed job's page shows failed and its attempts: {text(driver, '#job-status')!r}")
    c.equal(attr_list(driver, '#timeline rect.tl-attempt[data-stage="analyze"]', "data-outcome"),
            ["failed", "failed"], "both analyze attempts failed")
    c.check("analyze failed on purpose" in text(driver, "#job-summary"), "the page shows why it failed")
    c.check("No metrics.json" in text(driver, "#race-msg") and not driver.find_elements(By.CSS_SELECTOR, "#race svg"),
            f"no race, and why: {text(driver, '#race-msg')!r}")
    c.check("No profile.json" in text(driver, "#profile-msg"), f"no profile, and why: {text(driver, '#profile-msg')!r}")
    c.check(not driver.find_elements(By.CSS_SELECTOR, "#job-downloads a")
            and len(driver.find_elements(By.CSS_SELECTOR, "#job-downloads .unavailable")) == len(DOWNLOADS),
            "every download is marked as not there")
    c.check(not console_errors(driver), "no console errors on a failed job's page")

    # --- the cancelled job ------------------------------------------------------------------
    driver.get(f"{base}#/jobs/{cancelled_id}")
    c.check(wait(lambda: text(driver, "#job-status") == "cancelled"
                 and attr_list(driver, '#timeline rect.tl-attempt[data-stage="train"]', "data-outcome") == ["cancelled"], 15),
            "a cancelled job's page shows its train attempt cancelled")
    c.check(wait(lambda: "profile.json" in attr_list(driver, "#job-downloads a", "data-file")
                 and driver.find_elements(By.CSS_SELECTOR, '#job-downloads .unavailable[data-file="metrics.json"]'), 10),
            "its profile is there, its metrics are not")
    c.check(wait(lambda: text(driver, '#profile-facts [data-fact="task"] dd') == "binary classification", 10),
            "the cancelled job's profile is shown")
    c.check(not console_errors(driver), "no console errors on a cancelled job's page")

    # --- an unknown job, then back to the table ----------------------------------------------
    driver.execute_script("location.hash = '#/jobs/00000000-0000-4000-8000-000000000000'")
    c.check(wait(lambda: driver.find_element(By.ID, "job-missing").is_displayed()
                 and "No job" in text(driver, "#job-missing"), 10), "an unknown job's page says there is none")
    errors = console_errors(driver)
    c.check(all("/status/00000000-0000-4000-8000-000000000000" in e for e in errors),
            f"the only console error is the status request's own 404: {errors}")
    driver.find_element(By.ID, "job-back").click()
    c.check(wait(lambda: driver.find_element(By.ID, "list-view").is_displayed()
                 and not driver.find_element(By.ID, "job-view").is_displayed(), 5), "the back link shows the table again")
    c.check(row_by_id(driver, race_id) is not None, "the table still lists the jobs")


def main():
    c = Checks()
    mirror = make_mirror(tempfile.mkdtemp(prefix="kagent-mirror-"), {
        "quick": "sleep train 4",
        "slow": "sleep train 120",
        "race": RACE,
        "broken": "fail analyze",
    })
    os.makedirs(OUT, exist_ok=True)
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
            console_errors(driver)
            for entry in CONSOLE:
                print("browser:", entry)
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

    job_page(c, srv, driver, base, slow_id)

    # --- nothing fetched from anywhere but the server ------------------------
    origins = driver.execute_script(
        "return performance.getEntriesByType('resource').map(e => new URL(e.name).origin)")
    c.check(all(o == base.rstrip("/") for o in origins), f"only same-origin requests: {set(origins)}")


if __name__ == "__main__":
    sys.exit(main())
