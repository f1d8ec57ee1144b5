"""The chat page, served for real: API tests with gradio_client, and a headless Chromium that asks,
follows up, uploads, and checks that markup in an article stays inert. Screenshots go to
test-output/ui/."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "test-output" / "ui"
pytestmark = pytest.mark.model

HOSTILE = (
    "Zanzibar spice festival breaks records\n\n"
    "The Zanzibar spice festival drew 12,000 visitors on Saturday, organisers said. "
    "<script>window.__xss = 1; alert('xss')</script>\n\n"
    'The mayor, Amina Juma, called the festival <img src=x onerror="window.__xss = 2"> a triumph for the island.\n'
)


servers: dict[str, tuple] = {}  # url -> (process, corpus folder, upload folder)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("serve")
    corpus = tmp / "seeds"
    shutil.copytree(ROOT / "seeds", corpus)
    port = free_port()
    log = open(tmp / "serve.log", "w")  # noqa: SIM115 (closed after the server stops)
    proc = subprocess.Popen(
        [sys.executable, "-m", "rag.cli", "serve", str(corpus), "--index-dir", str(tmp / "index"), "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "GRADIO_ANALYTICS_ENABLED": "False"},
    )
    url = f"http://127.0.0.1:{port}/"
    servers[url] = (proc, corpus, tmp / "index" / "uploads")
    deadline = time.monotonic() + 180
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError("server did not start:\n" + (tmp / "serve.log").read_text())
        time.sleep(0.5)
    yield url
    proc.terminate()
    proc.wait(30)
    log.close()


def test_api_answers_and_abstains(server):
    from gradio_client import Client

    client = Client(server, verbose=False)
    answer = client.predict("Who is Tom Graham?", "hybrid", 8, api_name="/ask")
    assert not answer["abstained"]
    assert "Council on Foreign Relations" in answer["text"]
    cite = answer["citations"][0]
    original = (ROOT / "seeds" / cite["doc_id"]).read_text(encoding="utf-8")
    assert original[cite["start"] : cite["end"]] == cite["quote"]
    assert client.predict("What is the GDP of France?", "hybrid", 8, api_name="/ask")["abstained"]
    assert "empty" in client.predict("   ", "hybrid", 8, api_name="/ask")["error"]


def test_server_binds_to_loopback_only(server):
    assert server.startswith("http://127.0.0.1:")


@pytest.fixture(scope="module")
def browser():
    chromium = shutil.which("chromium")
    if not chromium:
        pytest.fail("Debian's chromium is needed for the browser tests: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(
            executable_path=chromium,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield launched
        launched.close()


def ask(page, question: str, answers_before: int) -> None:
    page.fill("#question textarea", question)
    page.keyboard.press("Enter")
    page.wait_for_function(
        """n => {
            const bots = document.querySelectorAll('#chat [data-testid="bot"]');
            return bots.length > n && !bots[bots.length - 1].innerText.includes('Loading')
                && document.querySelector('#status').innerText.includes(' ms ');
        }""",
        arg=answers_before,
        timeout=60_000,
    )


def bot_messages(page) -> list[str]:
    return page.eval_on_selector_all('#chat [data-testid="bot"]', "els => els.map(e => e.innerText)")


def test_chat_in_a_real_browser(server, browser, tmp_path):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(server)
    page.wait_for_selector("#question textarea", timeout=60_000)
    assert "What did Lavrov say about security guarantees?" in page.inner_text("body")  # examples on first load
    page.screenshot(path=str(SHOTS / "1-first-load.png"), full_page=True)

    ask(page, "Who is Tom Graham?", 0)
    assert page.input_value("#question textarea") == ""  # the box clears
    first = bot_messages(page)[-1]
    assert "Council on Foreign Relations" in first and "[1]" in first
    sources = page.inner_text("#sources")
    assert "Tom Graham, a distinguished fellow at the Council on Foreign Relations." in sources
    page.click("#sources details summary")
    assert page.inner_text("#sources mark").startswith("Tom Graham")  # the span highlighted in context
    page.screenshot(path=str(SHOTS / "2-answer-with-sources.png"), full_page=True)

    ask(page, "How long does he think the negotiation could last?", 1)
    assert "beyond the end of the year" in bot_messages(page)[-1]
    page.screenshot(path=str(SHOTS / "3-follow-up.png"), full_page=True)
    page.get_by_role("tab", name="Articles").click()
    page.locator("#chat sup.cite").last.click()  # a marker brings its source forward and flashes it
    page.wait_for_selector("#sources #source-1.flash", timeout=5_000)

    ask(page, "What is the GDP of France?", 2)
    assert "The articles don't say." in bot_messages(page)[-1]
    assert "Closest passages" in page.inner_text("#sources")

    article = tmp_path / "<img src=x onerror=window.__xss=5> zanzibar festival.txt"  # markup in a file name
    article.write_text(HOSTILE, encoding="utf-8")
    page.get_by_role("tab", name="Articles").click()
    page.set_input_files("#upload input[type=file]", str(article))
    page.wait_for_function("document.querySelector('#corpus-status').innerText.includes('Added')", timeout=60_000)
    assert "img_src_x_onerror_window.__xss_5_zanzibar_festival.txt" in page.inner_text("#corpus")
    page.screenshot(path=str(SHOTS / "4-uploaded.png"), full_page=True)

    bad = tmp_path / "notes.txt"  # the right extension, but binary: refused by the server's own check
    bad.write_bytes(b"%PDF-1.4\x00\x01 binary")
    rows_before = page.inner_text("#corpus")
    page.set_input_files("#upload input[type=file]", str(bad))
    page.wait_for_function("document.querySelector('#corpus-status').innerText.includes('Refused')", timeout=60_000)
    assert page.inner_text("#corpus") == rows_before

    page.get_by_role("tab", name="Sources").click()
    ask(page, "How many visitors did the Zanzibar spice festival draw?", 3)
    assert "12,000" in bot_messages(page)[-1]
    ask(page, "What did the mayor call the festival?", 4)
    shown = page.inner_text("#sources")
    page.screenshot(path=str(SHOTS / "5-hostile-article.png"), full_page=True)
    assert "onerror" in shown or "<script>" in page.inner_text("#chat") or "<img" in shown  # shown as text
    assert page.evaluate("window.__xss") is None  # ...and never run
    assert dialogs == []
    assert page.query_selector("#sources img, #chat img[src='x']") is None

    ask(page, '<img src=x onerror="window.__xss = 3"><script>window.__xss = 4</script> who is Tom Graham?', 5)
    assert page.evaluate("window.__xss") is None and dialogs == []
    assert page.query_selector("#chat img[src='x']") is None

    page.click("#clear")
    page.wait_for_function("document.querySelectorAll('#chat [data-testid=\"bot\"]').length === 0")
    page.close()


def test_load_twenty_clients_a_thousand_questions_and_an_upload(server):
    from eval.load import run

    proc, corpus, uploads = servers[server]
    report = run(server, corpus, clients=20, total=1000, pid=proc.pid, uploads=uploads)
    (SHOTS.parent / "load.json").parent.mkdir(parents=True, exist_ok=True)
    (SHOTS.parent / "load.json").write_text(__import__("json").dumps(report, indent=2))
    assert report["errors"] == [] and report["ungrounded"] == []
    assert report["answered"] == 1000
    assert "Added" in report["upload"] and "Forty-two" in report["uploaded_article_answers"]
    memory = report["resident_mb_after"]
    assert memory[100] and memory[1000] and memory[1000] < memory[100] * 1.5  # no steady growth
