"""The chat page, served for real: API tests with gradio_client, and a headless Chromium that asks,
follows up, uploads, and checks that markup in an article stays inert; then a page behind a
password, walked end to end (every answer's sources, the whole article, feedback, the Markdown
export, a phone-size screen) and checked to refuse requests without credentials. Screenshots go
to test-output/ui/."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from ui.cli import wait_for_page

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


def start_server(tmp: Path, *options: str) -> tuple[str, subprocess.Popen, Path]:
    """`rag serve` on a copy of seeds/ in `tmp`, polled until it answers; returns url, process, log."""
    corpus = tmp / "seeds"
    shutil.copytree(ROOT / "seeds", corpus)
    port = free_port()
    log = tmp / "serve.log"
    command = [sys.executable, "-m", "rag.cli", "serve", str(corpus), "--index-dir", str(tmp / "index")]
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [*command, "--port", str(port), *options],
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "GRADIO_ANALYTICS_ENABLED": "False"},
        )
    url = f"http://127.0.0.1:{port}/"
    if not wait_for_page(url, proc, 300, poll=0.5):
        proc.kill()
        raise RuntimeError("server did not start:\n" + log.read_text())
    return url, proc, log


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("serve")
    url, proc, _ = start_server(tmp)
    servers[url] = (proc, tmp / "seeds", tmp / "index" / "uploads")
    yield url
    stop(proc)


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
    # The examples render after the text box, once the page has finished loading ("Loading..." before).
    page.wait_for_function("!document.body.innerText.includes('Loading...')", timeout=60_000)
    assert "What did Lavrov say about security guarantees?" in page.inner_text("body")  # examples on first load
    page.screenshot(path=str(SHOTS / "1-first-load.png"), full_page=True)

    ask(page, "Who is Tom Graham?", 0)
    assert page.input_value("#question textarea") == ""  # the box clears
    first = bot_messages(page)[-1]
    assert "Council on Foreign Relations" in first and "[1]" in first
    sources = page.inner_text("#sources")
    assert "Tom Graham, a distinguished fellow at the Council on Foreign Relations." in sources
    page.click("#source-1-1 details summary")
    assert page.inner_text("#source-1-1 .passage mark").startswith("Tom Graham")  # the span highlighted in context
    page.screenshot(path=str(SHOTS / "2-answer-with-sources.png"), full_page=True)

    ask(page, "How long does he think the negotiation could last?", 1)
    assert "beyond the end of the year" in bot_messages(page)[-1]
    page.screenshot(path=str(SHOTS / "3-follow-up.png"), full_page=True)
    page.get_by_role("tab", name="Articles").click()
    page.locator("#chat sup.cite").last.click()  # a marker brings its source forward and flashes it
    page.wait_for_selector("#sources [id^='source-2-'].flash", timeout=5_000)  # answer 2's source

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
    page.click("#source-5-1 button.read-article")  # the whole hostile article, in the Reading tab
    page.wait_for_selector("#article #article-current", timeout=30_000)
    assert "<script>window.__xss = 1" in page.inner_text("#article")
    assert page.query_selector("#article img, #article script") is None and page.evaluate("window.__xss") is None
    page.get_by_role("tab", name="Sources").click()

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


# -- a shared page: password, read-only, walked end to end -------------------------------------------

USER, PASSWORD = "reader", "correct horse battery staple"


@pytest.fixture(scope="module")
def secured(tmp_path_factory):
    """`rag serve --auth reader:... --read-only`; yields (url, index folder)."""
    tmp = tmp_path_factory.mktemp("secured")
    url, proc, _ = start_server(tmp, "--auth", f"{USER}:{PASSWORD}", "--read-only")
    yield url, tmp / "index"
    stop(proc)


def status_of(url: str, data: bytes | None = None, content_type: str = "application/json") -> int:
    request = urllib.request.Request(url, data=data, headers={"Content-Type": content_type} if data else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_requests_without_credentials_are_refused(secured):
    from gradio_client import Client

    url, _ = secured
    ask = json.dumps({"data": ["Who is Tom Graham?", "hybrid", 8]}).encode()
    assert status_of(url + "config") == 401  # the page's data
    assert status_of(url + "gradio_api/info") == 401
    assert status_of(url + "gradio_api/call/ask", ask) == 401  # the API
    assert status_of(url + "gradio_api/run/ask", ask) == 401
    assert status_of(url + "gradio_api/upload", b"x", "multipart/form-data; boundary=x") == 401
    wrong = urllib.parse.urlencode({"username": USER, "password": "guess"}).encode()
    assert status_of(url + "login", wrong, "application/x-www-form-urlencoded") == 400
    with pytest.raises(Exception, match=r"credentials|login|401|Unauthorized"):
        Client(url, verbose=False)
    client = Client(url, auth=(USER, PASSWORD), verbose=False)
    assert "Council on Foreign Relations" in client.predict("Who is Tom Graham?", "hybrid", 8, api_name="/ask")["text"]
    refused = client.predict("sneaky.txt", "An article that should not be added.\n", api_name="/add_article")
    assert "read-only" in refused


def bot(page, i: int):
    return page.locator('#chat [data-testid="bot"]').nth(i)


def test_shared_page_end_to_end(secured, browser, tmp_path):
    url, index = secured
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page.goto(url)
    page.wait_for_selector("input[type=password]", timeout=60_000)  # a login form, not the page
    assert page.query_selector("#question") is None
    page.fill("input[type=text]", USER)
    page.fill("input[type=password]", "not the password")
    page.keyboard.press("Enter")
    page.wait_for_function("document.body.innerText.toLowerCase().includes('incorrect')", timeout=30_000)
    page.fill("input[type=text]", USER)  # the form forgets the user name after a failure
    page.fill("input[type=password]", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_selector("#question textarea", timeout=60_000)
    assert page.query_selector("#upload input[type=file]") is None  # read-only: no upload, no removal
    assert page.get_by_role("button", name="Remove from index").count() == 0

    ask(page, "Who is Tom Graham?", 0)
    ask(page, "How long does he think the negotiation could last?", 1)
    ask(page, "What did Lavrov say about security guarantees?", 2)
    assert "Lavrov" in bot_messages(page)[2]
    assert page.evaluate("document.querySelector('#turn-1').open") is False  # earlier answers folded away...
    bot(page, 0).locator("sup.cite").first.click()  # ...but a marker of the first answer still finds its source
    page.wait_for_selector("#sources #source-1-1.flash", timeout=5_000)
    assert page.evaluate("document.querySelector('#turn-1').open")
    card = page.inner_text("#source-1-1")
    assert "Tom Graham, a distinguished fellow at the Council on Foreign Relations." in card
    page.screenshot(path=str(SHOTS / "6-first-answer-source-after-three.png"))

    page.click("#source-1-1 button.read-article")  # the whole article, the clicked span in view
    page.wait_for_selector("#article #article-current", timeout=30_000)
    assert page.get_by_role("tab", name="Reading").get_attribute("aria-selected") == "true"
    current = page.inner_text("#article #article-current")
    assert current.startswith("Tom Graham")
    article = page.inner_text("#article")
    assert "Lavrov dismissed the idea" in article  # the third answer's span, same article, also marked
    cited = page.eval_on_selector_all("#article mark.cited", "els => els.map(e => e.innerText)")
    assert any(t.startswith("Lavrov dismissed") for t in cited)
    page.wait_for_function(
        """() => {
            const box = document.querySelector('#article .article-body').getBoundingClientRect();
            const span = document.querySelector('#article-current').getBoundingClientRect();
            return span.top >= box.top && span.bottom <= box.bottom + 1;
        }""",
        timeout=5_000,
    )
    page.screenshot(path=str(SHOTS / "7-reading-the-article.png"))
    with page.expect_download() as original:
        page.click("#original")
    assert Path(original.value.path()).read_text(encoding="utf-8") == (
        ROOT / "seeds" / original.value.suggested_filename
    ).read_text(encoding="utf-8")

    bot(page, 0).locator("button.fb.verdict-right").click()
    page.wait_for_function("document.querySelector('#status').innerText.includes('answer 1 marked')", timeout=30_000)
    bot(page, 2).locator("button.fb.verdict-unsupported").click()
    page.wait_for_function("document.querySelector('#status').innerText.includes('answer 3 marked')", timeout=30_000)
    assert "chosen" in bot(page, 0).locator("button.fb.verdict-right").get_attribute("class")
    rows = [json.loads(line) for line in (index / "feedback.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(r["question"], r["verdict"]) for r in rows][-2:] == [
        ("Who is Tom Graham?", "right"),
        ("What did Lavrov say about security guarantees?", "unsupported"),
    ]
    assert rows[-1]["history"] == [
        {"role": "user", "content": q}
        for q in ("Who is Tom Graham?", "How long does he think the negotiation could last?")
    ]
    assert (
        rows[-2]["citations"][0]["quote"] == "Tom Graham, a distinguished fellow at the Council on Foreign Relations."
    )
    page.screenshot(path=str(SHOTS / "8-feedback.png"))

    with page.expect_download() as exported:
        page.click("#export")
    markdown = Path(exported.value.path()).read_text(encoding="utf-8")
    assert exported.value.suggested_filename == "conversation.md"
    assert "**Q1. Who is Tom Graham?**" in markdown and "**Q3. What did Lavrov say" in markdown
    assert "Council on Foreign Relations.[^1]" in markdown
    assert re.search(r"\[\^\d+\]: “Lavrov dismissed", markdown)  # footnotes numbered through the conversation
    (SHOTS.parent / "conversation.md").write_text(markdown, encoding="utf-8")

    page.set_viewport_size({"width": 390, "height": 844})  # a phone: chat first, sources below
    page.get_by_role("tab", name="Sources").click()
    chat_box = page.locator("#chat").bounding_box()
    sources_box = page.locator("#sources").bounding_box()
    assert chat_box and sources_box and sources_box["y"] > chat_box["y"] + chat_box["height"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the screen
    page.screenshot(path=str(SHOTS / "9-phone.png"), full_page=True)
    bot(page, 1).locator("sup.cite").first.click()
    page.wait_for_selector("#sources [id^='source-2-'].flash", timeout=5_000)  # answer 2's source
    box = page.locator("#source-2-1").bounding_box()
    assert box and 0 <= box["y"] < 844  # scrolled to the card below the chat
    page.screenshot(path=str(SHOTS / "10-phone-source.png"))
    page.close()

    out = tmp_path / "feedback-questions.jsonl"  # the feedback this test left becomes questions
    done = subprocess.run(
        [sys.executable, "-m", "rag.cli", "eval", "--feedback", str(index / "feedback.jsonl"), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    (SHOTS.parent / "eval-feedback.txt").write_text(done.stdout)
    from eval.harness import load_questions

    questions = {q["question"]: q for q in load_questions(out)}
    graham = questions["Who is Tom Graham?"]
    assert graham["evidence"][0]["quote"] == "Tom Graham, a distinguished fellow at the Council on Foreign Relations."
    todo = (tmp_path / "feedback-questions.todo.jsonl").read_text(encoding="utf-8")
    assert "What did Lavrov say about security guarantees?" in todo
