"""The console in a real headless Chromium against a private stack (started by scripts/test-browser.sh).

Each check prints its name and time; the first failure ends the run with exit status 1. Screenshots of every panel
at 1280x800 and 390x844 are saved under $SCREENSHOTS (.build/console-screenshots/).
"""
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
import uuid

from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException, StaleElementReferenceException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.common.action_chains import ActionChains

GATEWAY = os.environ["GATEWAY"]
TOKEN = os.environ["ADMIN_TOKEN"]
SHOTS = os.environ["SCREENSHOTS"]
PANELS = ["services", "streams", "groups", "deadletters", "events", "history", "messages", "chart"]
HOSTILE = "<img src=x onerror=alert(1)>"


class Failure(Exception):
    pass


def api(method, path, body=None, headers=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(GATEWAY + path, data=data, method=method, headers=headers or {})
    if data is not None:
        request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read() or b"null")


def wait(what, condition, timeout=20.0, interval=0.1):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            last = condition()
            if last:
                return last
        except Exception as error:  # a panel re-rendered under us: look again
            last = error
        time.sleep(interval)
    raise Failure(f"{what}: not within {timeout} s (last: {last!r})")


def expect(condition, message):
    if not condition:
        raise Failure(message)


def click(driver, element):
    """Scrolls the element to the middle of the window (clear of the sticky header), then clicks it."""
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    element.click()


def click_fresh(driver, selector):
    """Clicks the element `selector` finds, finding it again when a panel re-rendered it in between."""
    for _ in range(10):
        try:
            click(driver, driver.find_element(By.CSS_SELECTOR, selector))
            return
        except StaleElementReferenceException:
            time.sleep(0.05)
    raise Failure(f"{selector} kept being re-rendered")


def panel_text(driver, name):
    return driver.find_element(By.CSS_SELECTOR, f'[data-panel="{name}"]').text


def browser_errors(driver):
    return [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def no_alert(driver):
    try:
        alert = driver.switch_to.alert
        text = alert.text
        alert.dismiss()
        raise Failure(f"a dialog opened: {text!r}")
    except NoAlertPresentException:
        pass


def screenshots(driver, size):
    for name in PANELS:
        driver.find_element(By.ID, name).screenshot(os.path.join(SHOTS, f"{name}-{size}.png"))


def start_driver():
    options = webdriver.ChromeOptions()
    for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,800"]:
        options.add_argument(argument)
    options.binary_location = "/usr/bin/chromium"
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def check_loads_with_real_data(driver):
    driver.get(GATEWAY + "/")
    wait("the services panel lists the nine, each ready",
         lambda: panel_text(driver, "services").count("ready") >= 9 and "not ready" not in panel_text(driver, "services"))
    wait("the streams panel lists the customer stream", lambda: "events:{customer}_created" in panel_text(driver, "streams"))
    wait("the groups panel lists crm-service", lambda: "crm-service" in panel_text(driver, "groups"))
    wait("the chart is drawn", lambda: driver.find_elements(By.CSS_SELECTOR, '[data-panel="chart"] svg polyline'))
    wait("the messages panel shows the welcome", lambda: "Welcome to Ordershop" in panel_text(driver, "messages"))
    wait("the events panel shows events", lambda: driver.find_elements(By.CSS_SELECTOR, "ol.events li"))
    wait("the dead letters panel has rendered", lambda: panel_text(driver, "deadletters"))
    expect(driver.find_element(By.ID, "events").get_attribute("data-live") == "on", "the live tail is on when the page opens")
    errors = browser_errors(driver)
    expect(not errors, f"errors in the browser's console: {errors}")


def check_live_tail(driver):
    started = time.monotonic()
    [customer_id] = api("POST", "/customer", {"name": "Tail", "email": "tail@example.com"})
    wait("the new customer in the live tail", lambda: customer_id in panel_text(driver, "events"), timeout=2.0, interval=0.05)
    print(f"  live tail: the customer appeared after {time.monotonic() - started:.2f} s")
    # Pause: a new event stays out; resume: the page reloads the newest events.
    click(driver, driver.find_element(By.ID, "live-toggle"))
    expect(driver.find_element(By.ID, "events").get_attribute("data-live") == "off", "pause turns the tail off")
    [paused_id] = api("POST", "/customer", {"name": "Paused", "email": "paused@example.com"})
    time.sleep(2.5)
    expect(paused_id not in panel_text(driver, "events"), "a paused tail shows no new event")
    click(driver, driver.find_element(By.ID, "live-toggle"))
    click(driver, driver.find_element(By.ID, "events-newer"))
    wait("after resume the newest events show the paused one", lambda: paused_id in panel_text(driver, "events"))


def check_hostile_name(driver):
    [customer_id] = api("POST", "/customer", {"name": HOSTILE, "email": "mallory@example.com"})
    wait("the hostile customer in the live tail", lambda: customer_id in panel_text(driver, "events"))
    item = driver.find_element(By.CSS_SELECTOR, f'li[data-event-id] button[aria-label$="{customer_id}"]').find_element(By.XPATH, "..")
    click(driver, item.find_element(By.TAG_NAME, "summary"))
    wait("its name shown as text", lambda: HOSTILE in item.text)
    wait("its welcome shown as text", lambda: f"Dear {HOSTILE}!" in panel_text(driver, "messages"))
    no_alert(driver)
    expect(driver.execute_script("return document.querySelectorAll('img').length") == 0, "no element was injected")
    errors = browser_errors(driver)
    expect(not errors, f"errors in the browser's console: {errors}")


def crm_lag(driver):
    spans = driver.find_elements(By.CSS_SELECTOR, '[data-lag="crm-service events:{customer}_created"]')
    return spans[0].text if spans else None


def check_demo(driver):
    wait("crm-service caught up before the demo", lambda: crm_lag(driver) == "0")
    os.kill(int(os.environ["CRM_PID"]), signal.SIGTERM)
    wait("crm-service stopped", lambda: "not ready" in panel_text(driver, "services"))
    tag = uuid.uuid4().hex[:8]
    emails = [f"demo{n}-{tag}@example.com" for n in range(5)]
    api("POST", "/customers", [{"name": f"Demo {n}", "email": email} for n, email in enumerate(emails)])
    wait("the crm group's lag at 5 on the page", lambda: crm_lag(driver) == "5")
    row = driver.find_element(By.CSS_SELECTOR, '[data-lag="crm-service events:{customer}_created"]').find_element(By.XPATH, "../..")
    expect("behind" in (row.get_attribute("class") or ""), "a group that is behind stands out")
    screenshots(driver, "demo-behind")
    environment = dict(os.environ, PORT=os.environ["CRM_PORT"])
    with open(os.environ["CRM_LOG"], "ab") as log:
        process = subprocess.Popen([os.path.join(os.environ["BIN"], "crm-service")], env=environment, stdout=log, stderr=log,
                                   stdin=subprocess.DEVNULL)
    with open(os.environ["CRM_PID_FILE"], "w") as file:
        file.write(str(process.pid))
    wait("the crm group's lag back to 0", lambda: crm_lag(driver) == "0", timeout=60)
    recipient = driver.find_element(By.ID, "msg-to")
    recipient.clear()
    recipient.send_keys(tag)
    driver.find_element(By.ID, "msg-kind").send_keys("welcome")

    def welcomes():
        text = panel_text(driver, "messages")
        return all(text.count(email) == 1 for email in emails) and text

    wait("five welcomes, once each, in the messages panel", welcomes, timeout=30)
    time.sleep(2.5)  # one more refresh: still once each
    expect(welcomes(), "still five welcomes once each")
    recipient.clear()


def check_dead_letter(driver):
    # An order_created whose customer and product never existed: crm-service cannot confirm it, whatever it tries.
    redis_url = os.environ["REDIS_URL"].removeprefix("redis://")
    host, port = redis_url.split("/")[0].split(":")
    order_id = str(uuid.uuid4())
    entity = json.dumps({"customer_id": str(uuid.uuid4()), "id": order_id, "product_ids": [str(uuid.uuid4())]})
    subprocess.run(["redis-cli", "-h", host, "-p", port, "XADD", "events:{order}_created", "*", "event_id", str(uuid.uuid4()),
                    "entity", entity, "aggregate_id", order_id, "version", "1", "occurred_at", str(int(time.time() * 1000)),
                    "correlation_id", "", "enc", "json"], check=True, stdout=subprocess.DEVNULL)

    def crm_row():
        for row in driver.find_elements(By.CSS_SELECTOR, '[data-panel="deadletters"] tbody tr'):
            if row.text.startswith("crm-service") and order_id in row.text:
                return row
        return None

    letter_id = wait("the dead letter on the page",
                     lambda: crm_row() and crm_row().find_element(By.CSS_SELECTOR, "[data-replay]").get_attribute("data-replay"))
    wait("its cause and delivery count shown", lambda: "missing" in crm_row().text.lower() or "no customer" in crm_row().text.lower())
    token = driver.find_element(By.ID, "token")
    token.clear()
    click_fresh(driver, f'[data-replay="{letter_id}"]')
    wait("the replay refused without the token", lambda: "refused (401)" in driver.find_element(By.ID, "deadletters-result").text)
    expect(driver.find_elements(By.CSS_SELECTOR, f'[data-replay="{letter_id}"]'), "the refused replay left it in place")
    # The browser logs the refused request itself (a 401 is an error to it); that one, and nothing else.
    errors = browser_errors(driver)
    expect(all("/replay" in e["message"] and "401" in e["message"] for e in errors), f"errors in the browser's console: {errors}")
    screenshots(driver, "deadletter")
    token.send_keys(TOKEN)
    click_fresh(driver, f'[data-replay="{letter_id}"]')
    wait("the replay done", lambda: "done (1 replayed)" in driver.find_element(By.ID, "deadletters-result").text)
    wait("the replayed letter left the list", lambda: not driver.find_elements(By.CSS_SELECTOR, f'[data-replay="{letter_id}"]'))
    # It fails again (it always does) and comes back as a new dead letter: replayed for real, and not lost.
    wait("it failed again and is back as a new dead letter", lambda: crm_row() is not None
         and crm_row().find_element(By.CSS_SELECTOR, "[data-replay]").get_attribute("data-replay") != letter_id, timeout=30)
    token.clear()


def check_keyboard(driver):
    [customer_id] = api("POST", "/customer", {"name": "Keys", "email": "keys@example.com"})
    driver.get(GATEWAY + "/")
    wait("the page loaded", lambda: "ready" in panel_text(driver, "services"))
    driver.find_element(By.TAG_NAME, "h1").click()
    actions = ActionChains(driver)
    for _ in range(20):  # the panel links come first
        if driver.switch_to.active_element.get_attribute("href") and driver.switch_to.active_element.get_attribute("href").endswith("#history"):
            break
        actions.send_keys(Keys.TAB).perform()
    expect((driver.switch_to.active_element.get_attribute("href") or "").endswith("#history"), "Tab reaches the History link")
    ActionChains(driver).send_keys(Keys.ENTER).send_keys(Keys.TAB).perform()
    expect(driver.switch_to.active_element.get_attribute("id") == "hi-topic", "Enter on the link, then Tab: the history form")
    ActionChains(driver).send_keys(Keys.TAB).perform()
    expect(driver.switch_to.active_element.get_attribute("id") == "hi-id", "Tab: the id field")
    outline = driver.execute_script("return getComputedStyle(document.activeElement).outlineStyle")
    expect(outline != "none", "the focused field shows focus")
    ActionChains(driver).send_keys(customer_id).send_keys(Keys.ENTER).perform()
    wait("the history shown by keyboard alone", lambda: "the projection equals the fold" in panel_text(driver, "history"))
    wait("with its event", lambda: "created" in panel_text(driver, "history"))
    # Shift+Tab back to the topic select and Tab forward: every control is reachable both ways.
    ActionChains(driver).key_down(Keys.SHIFT).send_keys(Keys.TAB).key_up(Keys.SHIFT).perform()
    expect(driver.switch_to.active_element.get_attribute("id") == "hi-topic", "Shift+Tab goes back to the topic")


def check_sizes(driver):
    for size, (width, height) in {"1280x800": (1280, 800), "390x844": (390, 844)}.items():
        driver.set_window_size(width, height)
        driver.get(GATEWAY + "/")
        wait(f"{size}: every panel filled", lambda: all(panel_text(driver, name) for name in PANELS if name != "history"))
        wait(f"{size}: the services listed", lambda: panel_text(driver, "services").count("ready") >= 9)
        # A second reading of the services (shared for up to 5 s): every instance's request rate, and the chart's line.
        wait(f"{size}: a request rate for every instance", lambda: driver.execute_script(
            "const rows = [...document.querySelectorAll('[data-panel=services] tbody tr')];"
            "return rows.length >= 9 && rows.every((row) => /^[0-9.]+$/.test(row.lastElementChild.textContent));"), timeout=15)
        inner = driver.execute_script("return window.innerWidth")
        wide = driver.execute_script("return document.documentElement.scrollWidth")
        expect(wide <= inner, f"{size}: the page fits the width ({wide} > {inner})")
        screenshots(driver, size)
        if size == "1280x800":  # the README's picture: the whole page from the top
            driver.set_window_size(1280, 2200)
            driver.execute_script("window.scrollTo(0, 0)")
            time.sleep(0.3)
            driver.save_screenshot(os.path.join(SHOTS, "console.png"))
            driver.set_window_size(width, height)
    errors = browser_errors(driver)
    expect(not errors, f"errors in the browser's console: {errors}")


def main():
    checks = [
        ("the page loads with no console error and every panel shows the stack's data", check_loads_with_real_data),
        ("a customer created through the API appears in the live tail within 2 s; pause and resume", check_live_tail),
        ("a customer named <img src=x onerror=alert(1)> renders as text", check_hostile_name),
        ("the demo: crm-service stopped, lag 5, started, lag 0, five welcomes once each", check_demo),
        ("a dead letter shown, its replay refused without the token and done with it", check_dead_letter),
        ("keyboard alone: Tab to the history form, type an id, Enter", check_keyboard),
        ("1280x800 and 390x844: every panel, no horizontal scrolling, screenshots", check_sizes),
    ]
    # Something of everything, so every panel (and the chart's orders line) has data.
    [customer] = api("POST", "/customer", {"name": "First", "email": "first@example.com"})
    [product] = api("POST", "/product", {"name": "Pen", "price": 3})
    api("POST", "/inventory", {"product_id": product, "amount": 100})
    for _ in range(3):
        api("POST", "/order", {"product_ids": [product], "customer_id": customer})
    for name in os.listdir(SHOTS):
        if name.endswith(".png"):
            os.remove(os.path.join(SHOTS, name))
    driver = start_driver()
    failed = False
    started = time.monotonic()
    try:
        for name, check in checks:
            began = time.monotonic()
            try:
                check(driver)
                print(f"ok    {name} ({time.monotonic() - began:.1f} s)")
            except Exception as error:
                failed = True
                driver.save_screenshot(os.path.join(SHOTS, "failure.png"))
                print(f"FAIL  {name}: {error}")
                break
    finally:
        driver.quit()
    print(f"browser checks {'FAILED' if failed else 'passed'} in {time.monotonic() - started:.1f} s; screenshots in {SHOTS}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
