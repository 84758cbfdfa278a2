"""The pages in a real browser (Debian's headless Chromium) against a real server on 127.0.0.1:
the query editor runs a named query, the graph view draws, expands and explains an edge, an
entity page shows its evidence, and no page asks anything of another host.

Screenshots go to /tmp/kkg-shots/ for a person to look at.
"""

from __future__ import annotations

import json
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
SHOTS = Path("/tmp/kkg-shots")
ROOT = Path(__file__).resolve().parents[1]
SEED_FILES = (ROOT / "ontology" / "release" / "ketamine-kg.ttl",
              ROOT / "tests" / "data" / "expected" / "ketamine-uses.nt")

if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
    pytest.skip("needs Debian's chromium and chromium-driver (/usr/bin/chromium, "
                "/usr/bin/chromedriver): apt-get install chromium chromium-driver",
                allow_module_level=True)

from selenium import webdriver  # noqa: E402 - only once the browser is known to exist
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.remote.webdriver import WebDriver  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

OVERLAPS_JS = """
const nodes = window.kkgGraph.nodes(':visible');
const boxes = nodes.map(n => n.boundingBox({includeLabels: true}));
let overlaps = 0;
for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
  const a = boxes[i], b = boxes[j];
  if (a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2) overlaps++;
}
return {nodes: nodes.length, overlaps: overlaps, zoom: window.kkgGraph.zoom()};
"""


@pytest.fixture(scope="module")
def browser() -> Iterator[WebDriver]:
    """Headless Chromium with a throw-away profile and its network log switched on."""
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    profile = tempfile.mkdtemp(prefix="kkg-chromium-")
    for argument in ("--headless", "--no-sandbox", "--disable-gpu",
                     "--disable-background-networking", "--disable-dev-shm-usage",
                     "--no-first-run", "--disable-component-update", "--disable-sync",
                     f"--user-data-dir={profile}", "--window-size=1400,900"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    SHOTS.mkdir(parents=True, exist_ok=True)
    try:
        yield driver
    finally:
        driver.quit()


def requested_urls(driver: WebDriver) -> list[str]:
    """Every http(s) URL the page asked for since the log was last read."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            url = message["params"]["request"]["url"]
            if url.startswith(("http:", "https:", "ws:", "wss:")):
                urls.append(url)
    return urls


def assert_only_local(driver: WebDriver, base: str) -> None:
    """No request left this server, and the page logged no error."""
    foreign = [u for u in requested_urls(driver) if not u.startswith(base + "/")]
    assert foreign == [], f"requests to other hosts: {foreign}"
    errors = [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == [], errors


def wait_for(driver: WebDriver, condition: Callable[[WebDriver], Any], seconds: float = 20) -> Any:
    return WebDriverWait(driver, seconds, poll_frequency=0.1).until(condition)


def click_at(driver: WebDriver, element: Any, x: float, y: float) -> None:
    """Click at a point given relative to the element's top-left corner."""
    size = element.size
    ActionChains(driver).move_to_element_with_offset(
        element, int(x - size["width"] / 2), int(y - size["height"] / 2)).click().perform()


# --------------------------------------------------------------------------- the editor


def test_editor_runs_a_named_query_offline(browser: WebDriver, live_server: str) -> None:
    browser.get(live_server + "/editor")
    requested_urls(browser)  # the network log starts with this page
    wait_for(browser, lambda d: d.execute_script("return !!window.kkgYasgui"))
    browser.find_element(By.CSS_SELECTOR, 'button[data-query="conditions-for-drug"]').click()
    wait_for(browser, lambda d: "VALUES ?drug" in d.execute_script(
        "return window.kkgYasgui.getTab().getQuery()"))
    browser.find_element(By.CSS_SELECTOR, ".tabPanel.active .yasqe_queryButton").click()
    cells = wait_for(browser, lambda d: [c.text for c in d.find_elements(
        By.CSS_SELECTOR, ".tabPanel.active .yasr table tbody td") if c.text])
    assert any("treatment-resistant depression" in c for c in cells), cells
    assert not [c for c in cells if "^^" in c or "XMLSchema" in c], cells  # plain values
    assert any(c.strip().isdigit() for c in cells), cells  # the ranks, as "5"
    time.sleep(0.3)
    browser.save_screenshot(str(SHOTS / "editor.png"))
    assert_only_local(browser, live_server)


# --------------------------------------------------------------------------- the graph view


def graph_ready(driver: WebDriver) -> bool:
    return bool(driver.execute_script(
        "return window.kkgGraph && window.kkgGraph.nodes(':visible').length > 1"))


def test_graph_view_draws_expands_and_explains(browser: WebDriver, live_server: str) -> None:
    browser.get(live_server + "/graph?focus=kke:ketamine")
    requested_urls(browser)
    wait_for(browser, graph_ready)
    before = browser.execute_script("return window.kkgGraph.nodes().length")
    layout = browser.execute_script(OVERLAPS_JS)
    assert layout["overlaps"] == 0, layout
    browser.save_screenshot(str(SHOTS / "graph-focus.png"))

    canvas = browser.find_element(By.ID, "cy")
    target = "https://w3id.org/ketamine-kg/entity/treatment-resistant-depression"
    point = browser.execute_script(
        "return window.kkgGraph.getElementById(arguments[0]).renderedPosition()", target)
    click_at(browser, canvas, point["x"], point["y"])
    wait_for(browser, lambda d: d.execute_script(
        "return window.kkgGraph.nodes().length") > before)  # depression came in
    panel = browser.find_element(By.ID, "graph-panel")
    wait_for(browser, lambda d: "treatment-resistant depression" in panel.text)
    assert browser.execute_script(
        "return window.kkgGraph.getElementById(arguments[0]).nonempty()",
        "https://w3id.org/ketamine-kg/entity/depression")

    edge_point = browser.execute_script("""
        const edge = window.kkgGraph.edges().filter(e => e.data('predicate').endsWith('/treats')
          && e.target().id().endsWith('/treatment-resistant-depression'));
        return edge.renderedMidpoint();""")
    click_at(browser, canvas, edge_point["x"], edge_point["y"])
    wait_for(browser, lambda d: "remarkable success" in panel.text)
    mark = panel.find_element(By.CSS_SELECTOR, "blockquote.sentence mark.hedge")
    assert mark.text == "remarkable success"
    assert "supported" in panel.text
    assert "Ketamine has shown remarkable success in treatment-resistant depression." in panel.text
    browser.save_screenshot(str(SHOTS / "graph-edge-evidence.png"))
    assert_only_local(browser, live_server)


def test_graph_filters_hide_and_show(browser: WebDriver, live_server: str) -> None:
    browser.get(live_server + "/graph?focus=kke:ketamine")
    wait_for(browser, graph_ready)
    count = "return window.kkgGraph.nodes(':visible').length"
    shown = browser.execute_script(count)
    browser.find_element(By.CSS_SELECTOR, '#filter-types input[value="claim"]').click()
    wait_for(browser, lambda d: d.execute_script(count) > shown)  # the claims appear
    browser.find_element(By.CSS_SELECTOR, '#filter-certainty input[value="supported"]').click()
    hidden = browser.execute_script(
        "return window.kkgGraph.edges('[certainty = \"supported\"]').every(e => !e.visible())")
    assert hidden


PANEL_COVERS_JS = """
const node = window.kkgGraph.getElementById(arguments[0]);
const box = node.renderedBoundingBox({includeLabels: true});
const canvas = window.kkgGraph.container().getBoundingClientRect();
const panel = document.getElementById('graph-panel').getBoundingClientRect();
const x1 = canvas.left + box.x1, x2 = canvas.left + box.x2;
const y1 = canvas.top + box.y1, y2 = canvas.top + box.y2;
return {covered: x1 < panel.right && panel.left < x2 && y1 < panel.bottom && panel.top < y2,
        inside: x1 >= canvas.left && x2 <= canvas.right && y1 >= canvas.top && y2 <= canvas.bottom,
        node: [x1, y1, x2, y2], panel: [panel.left, panel.top, panel.right, panel.bottom]};
"""


def click_node(driver: WebDriver, iri: str) -> None:
    point = driver.execute_script(
        "return window.kkgGraph.getElementById(arguments[0]).renderedPosition()", iri)
    click_at(driver, driver.find_element(By.ID, "cy"), point["x"], point["y"])


def test_a_node_with_nothing_more_says_so(browser: WebDriver, live_server: str) -> None:
    browser.get(live_server + "/graph?focus=kke:ketamine")
    wait_for(browser, graph_ready)
    use = "https://w3id.org/ketamine-kg/use/ketamine/chronic-pain"  # its neighbours are drawn
    before = browser.execute_script("return window.kkgGraph.nodes(':visible').length")
    click_node(browser, use)
    panel = browser.find_element(By.ID, "graph-panel")
    wait_for(browser, lambda d: "nothing more to show" in panel.text)
    assert browser.execute_script("return window.kkgGraph.nodes(':visible').length") == before
    browser.save_screenshot(str(SHOTS / "graph-nothing-more.png"))


# --------------------------------------------------------------------------- an entity page


def test_entity_page_shows_label_and_evidence(browser: WebDriver, live_server: str) -> None:
    browser.get(live_server + "/entity/treatment-resistant-depression")
    requested_urls(browser)
    assert browser.find_element(By.TAG_NAME, "h1").text == "treatment-resistant depression"
    mark = browser.find_element(By.CSS_SELECTOR, "#evidence mark.hedge")
    assert mark.text == "remarkable success"
    badge = browser.find_element(By.CSS_SELECTOR, "#evidence .badge.cert")
    assert badge.text == "supported"
    browser.save_screenshot(str(SHOTS / "entity.png"))
    for path, name in (("/", "home"), ("/ontology", "ontology"), ("/search?q=ket", "search")):
        browser.get(live_server + path)
        browser.save_screenshot(str(SHOTS / f"{name}.png"))
    assert_only_local(browser, live_server)


# --------------------------------------------------------------------------- the seed graph


@pytest.fixture(scope="module")
def seed_server() -> Iterator[str]:
    """This server over the released ontology and the pipeline's expected output for the
    seed article (~25 entities, ~15 uses, ~50 claims), in a waitress thread."""
    if not all(path.is_file() for path in SEED_FILES):
        pytest.skip("the seed graph files are not built (ontology release, expected output)")
    from waitress.server import create_server

    from server import create_app
    from server.execution import shutdown

    app = create_app({"KKG_DATA_FILES": ":".join(str(p) for p in SEED_FILES)})
    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        server.close()
        shutdown(app)


@pytest.mark.parametrize(("path", "shot"), [
    ("/graph?focus=kke:ketamine", "seed-graph-focus.png"),
    ("/graph", "seed-graph-whole.png"),
])
def test_seed_graph_layout_has_no_overlaps(browser: WebDriver, seed_server: str, path: str,
                                           shot: str) -> None:
    browser.get(seed_server + path)
    wait_for(browser, graph_ready)
    layout = browser.execute_script(OVERLAPS_JS)
    browser.save_screenshot(str(SHOTS / shot))
    assert layout["nodes"] >= 20, layout
    assert layout["overlaps"] == 0, layout
    assert layout["zoom"] >= 0.6, layout  # labels stay readable without zooming in


def test_the_panel_never_covers_the_clicked_node(browser: WebDriver, seed_server: str) -> None:
    browser.get(seed_server + "/graph?focus=kke:ketamine")
    wait_for(browser, graph_ready)
    rightmost = browser.execute_script("""
        const nodes = window.kkgGraph.nodes(':visible').sort(
          (a, b) => b.renderedPosition().x - a.renderedPosition().x);
        return nodes[0].id();""")  # the node the panel is most likely to hide
    click_node(browser, rightmost)
    panel = browser.find_element(By.ID, "graph-panel")
    wait_for(browser, lambda d: "loading" not in panel.text and panel.is_displayed())
    time.sleep(0.3)
    where = browser.execute_script(PANEL_COVERS_JS, rightmost)
    browser.save_screenshot(str(SHOTS / "graph-panel-clear.png"))
    assert not where["covered"] and where["inside"], where
    browser.find_element(By.ID, "graph-relayout").click()  # a new layout keeps it clear too
    time.sleep(0.3)
    where = browser.execute_script(PANEL_COVERS_JS, rightmost)
    assert not where["covered"] and where["inside"], where


def test_drug_page_leads_with_a_summary_and_folds_evidence(browser: WebDriver,
                                                           seed_server: str) -> None:
    browser.get(seed_server + "/entity/ketamine")
    height = browser.execute_script("return document.documentElement.scrollHeight")
    browser.save_screenshot(str(SHOTS / "entity-drug.png"))
    assert height < 4500, height  # was ~12,000 px of flat claims
    order = browser.execute_script("""
        const ids = [...document.querySelectorAll('main section')].map(s => s.id);
        return ids;""")
    assert order.index("summary") < order.index("evidence"), order
    summary = browser.find_element(By.ID, "summary").text
    assert "treatment-resistant depression" in summary and "intravenous infusion" in summary
    assert "NMDA receptor" in summary and "Adverse effects" in summary
    sentence = "Its capacity to maintain cardiovascular stability and respiratory function"
    folds = [d for d in browser.find_elements(By.CSS_SELECTOR, "#evidence details")
             if sentence in d.text]
    assert len(folds) == 1  # one fold for the sentence, not one block per claim
    folds[0].find_element(By.TAG_NAME, "summary").click()
    claims = folds[0].find_elements(By.CSS_SELECTOR, "ul.claims li")
    # its effects (cardiovascular stability, respiratory function), the use and the setting
    assert len(claims) >= 3, [c.text for c in claims]
    assert all("cardiovascular" in c.text or "respiratory" in c.text or "induction" in c.text
               or "care" in c.text for c in claims), [c.text for c in claims]
