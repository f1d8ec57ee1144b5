"""The chat page's parts without a browser or the real model: rendering (short answers, escaping,
every answer's sources, the article view), the Markdown export, the feedback file and
`rag eval --feedback`, credentials and the refusal to serve beyond this machine without them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from fakes import FakeEmbedder

from rag import Answer, Citation, Document, RagError, Retriever, ShortAnswer
from rag.cli import main
from ui.article import article_html, layers_for
from ui.auth import check_exposure, credentials, parse_credentials
from ui.export import conversation_markdown
from ui.feedback import append_row, feedback_row
from ui.render import answer_html, quote_html, sources_panel
from ui.turns import Turn

pytest.importorskip("gradio")
ROOT = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "tests")])}

TEXT = "Header line\n\nTom Graham, a *fellow* at the <b>Council</b>, said it. He spoke on Monday.\n\nMore text here.\n"
START = TEXT.index("Tom")
END = TEXT.index("Monday.") + len("Monday.")
SHORT_START = TEXT.index("a *fellow*")
SHORT_END = TEXT.index("</b>") + 4


def citation(n: int = 1, start: int = START, end: int = END, doc_id: str = "doc.txt") -> Citation:
    return Citation(
        n=n,
        doc_id=doc_id,
        source=f"/corpus/{doc_id}",
        title="A <script>title</script>",
        start=start,
        end=end,
        quote=TEXT[start:end],
        outlet="The *Ledger*",
        date="2025-08-27",
        authors=("Jane Reporter",),
    )


def answer(short: bool = True, question: str = "Who is Tom Graham?") -> Answer:
    c = citation()
    s = ShortAnswer(n=1, start=SHORT_START, end=SHORT_END, text=TEXT[SHORT_START:SHORT_END], score=1.0)
    return Answer(
        question=question, parts=((" ".join(c.quote.split()), 1),), citations=(c,), short=s if short else None
    )


def document() -> Document:
    segments = ((TEXT.index("Tom"), TEXT.index("Monday.") + 7), (TEXT.index("More"), len(TEXT) - 1))
    return Document(
        doc_id="doc.txt", source="/corpus/doc.txt", text=TEXT, segments=segments, title="A <script>title</script>"
    )


def turns_of(*answers: Answer) -> list[Turn]:
    turns: list[Turn] = []
    for a in answers:
        turns.append(Turn.of(turns, a.question, [t.question for t in turns], a, 2 * len(turns) + 1, "hybrid", 8))
    return turns


# -- rendering ------------------------------------------------------------------------------------


def test_short_answer_is_highlighted_inside_the_quote_and_escaped():
    a = answer()
    quote = quote_html(a.citations[0], a.short)
    assert quote == (
        'Tom Graham, <mark class="short">a &#42;fellow&#42; at the &lt;b&gt;Council&lt;/b&gt;</mark>'
        ", said it. He spoke on Monday."
    )
    chat = answer_html(a, turn=2)
    assert '<mark class="short">' in chat and "<b>" not in chat
    assert '<sup class="cite turn-2" title="Answer 2, source 1">[1]</sup>' in chat
    card = sources_panel(turns_of(a), {"doc.txt": document()})
    assert card.count('<mark class="short">') == 1  # in the card's quote
    assert 'class="cited short"' in card  # and inside the passage around it
    assert "<script>" not in card and "&lt;script&gt;" in card


def test_a_short_answer_outside_its_citation_is_not_drawn():
    a = answer()
    elsewhere = ShortAnswer(n=2, start=SHORT_START, end=SHORT_END, text="x")
    assert "<mark" not in quote_html(a.citations[0], elsewhere)
    outside = ShortAnswer(n=1, start=0, end=5, text="Heade")
    assert "<mark" not in quote_html(a.citations[0], outside)
    assert "<mark" not in quote_html(a.citations[0], None)


def test_every_answer_keeps_its_sources_with_the_latest_open():
    first, second = answer(question="Who is Tom Graham?"), answer(short=False, question="When did he speak?")
    panel = sources_panel(turns_of(first, second), {"doc.txt": document()})
    assert panel.index('id="turn-2" open') < panel.index('id="turn-1"')  # latest first, and open
    assert 'id="turn-1">' in panel  # earlier ones collapsed, but there
    assert 'id="source-1-1"' in panel and 'id="source-2-1"' in panel
    assert 'data-turn="1" data-n="1"' in panel  # each card can open its article


def test_feedback_buttons_show_the_verdict_and_abstentions_get_two():
    a = answer()
    assert answer_html(a, 3).count('class="fb verdict-') == 3
    chosen = answer_html(a, 3, verdict="wrong")
    assert 'class="fb verdict-wrong turn-3 chosen"' in chosen and "Feedback saved: wrong." in chosen
    abstained = Answer(question="q", abstained=True)
    assert "verdict-unsupported" not in answer_html(abstained, 1) and "verdict-wrong" in answer_html(abstained, 1)


def test_an_answer_says_which_words_were_respelt_escaped():
    import dataclasses

    a = dataclasses.replace(answer(), respelt=(("Grahm<", "Graham"),))
    chat = answer_html(a, 1)
    assert '<p class="respelt">Searched as the articles spell it: “Grahm&lt;” → “Graham”.</p>' in chat
    assert 'class="respelt"' not in answer_html(answer(), 1)
    abstained = Answer(question="q", abstained=True, respelt=(("Grahm", "Graham"),))
    assert 'class="respelt"' in answer_html(abstained, 1)


def test_article_view_highlights_every_cited_span_and_anchors_the_clicked_one():
    other = Citation(
        n=1, doc_id="doc.txt", source="", title="t", start=TEXT.index("More"), end=TEXT.index("More") + 9, quote=""
    )
    second = Answer(question="More?", parts=(("More text", 1),), citations=(other,))
    turns = turns_of(answer(), second)
    view = article_html(document(), layers_for("doc.txt", turns, current=(2, 1)))
    assert view.count('class="cited') == 4  # span 1 split around its short answer (3 pieces) + span 2
    assert 'class="cited current" title="Answer 2, source 1" id="article-current">More text' in view
    assert 'class="cited short"' in view
    assert "Header line" not in view  # only the kept (cleaned) text
    assert "&lt;script&gt;" in view and "<script>" not in view
    assert "2 spans cited in this conversation highlighted" in view


def test_article_links_only_to_web_addresses():
    from dataclasses import dataclass

    from ui.article import origin_html

    @dataclass(frozen=True)
    class WebDocument(Document):
        url: str = ""

    base = document()
    fields = {f: getattr(base, f) for f in ("doc_id", "source", "text", "segments", "title")}
    assert '<a href="https://example.com/a?b=1&amp;c=2"' in origin_html(
        WebDocument(**fields, url="https://example.com/a?b=1&c=2")
    )
    assert "<a" not in origin_html(WebDocument(**fields, url="javascript:alert(1)"))
    assert "<a" not in origin_html(base)


# -- export ---------------------------------------------------------------------------------------


def test_markdown_export_has_numbered_footnotes_that_quote_and_name_the_source():
    abstained = Answer(question="What is the GDP?", abstained=True)
    text = conversation_markdown(turns_of(answer(), abstained, answer(question="Again?")))
    assert "**Q1. Who is Tom Graham?**" in text and "*The articles don't say.*" in text
    assert "Short answer: **a \\*fellow\\* at the \\<b\\>Council\\</b\\>**" in text
    assert "Monday.[^1]" in text and "Monday.[^2]" in text  # footnotes run through the conversation
    assert (
        "[^1]: “Tom Graham, a \\*fellow\\* at the \\<b\\>Council\\</b\\>, said it. He spoke on Monday.” — "
        "*A \\<script\\>title\\</script\\>*, The \\*Ledger\\*, 2025-08-27 (doc.txt, characters" in text
    )
    assert "<script>" not in text


# -- feedback -------------------------------------------------------------------------------------


def _append_many(path: str, worker: int, count: int) -> None:
    for i in range(count):
        append_row(Path(path), {"worker": worker, "i": i, "padding": "x" * 5000})


def test_feedback_lines_are_whole_even_from_concurrent_writers(tmp_path):
    path = tmp_path / "index" / "feedback.jsonl"
    script = "import sys; from tests.test_ui_parts import _append_many; _append_many(sys.argv[1], int(sys.argv[2]), 30)"
    processes = [
        subprocess.Popen([sys.executable, "-c", script, str(path), str(10 + w)], cwd=ROOT, env=ENV) for w in range(2)
    ]
    threads = [threading.Thread(target=_append_many, args=(str(path), w, 30)) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [p.wait(60) for p in processes] == [0, 0]
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    assert len(rows) == 6 * 30
    assert {(r["worker"], r["i"]) for r in rows} == {(w, i) for w in (0, 1, 2, 3, 10, 11) for i in range(30)}
    assert oct(path.stat().st_mode & 0o777) == "0o600"


def test_feedback_row_holds_question_conversation_answer_citations_and_verdict():
    turns = turns_of(answer(question="Who is Tom Graham?"), answer(question="What did he say?"))
    row = feedback_row(turns[1], turns[:1], "right")
    assert row["question"] == "What did he say?" and row["verdict"] == "right"
    assert row["history"] == [{"role": "user", "content": "Who is Tom Graham?"}]
    assert [m["role"] for m in row["conversation"]] == ["user", "assistant"]
    assert row["citations"][0] | {} == {
        "n": 1,
        "doc_id": "doc.txt",
        "title": "A <script>title</script>",
        "start": START,
        "end": END,
        "quote": TEXT[START:END],
    }
    assert row["short"]["text"] == TEXT[SHORT_START:SHORT_END] and row["time"].endswith("+00:00")
    with pytest.raises(ValueError):
        feedback_row(turns[1], turns[:1], "meh")


# -- the page's state, on a small corpus with the fake embedder --------------------------------------


@pytest.fixture
def page(corpus, tmp_path):
    from ui.app import Page

    retriever = Retriever.build(corpus, tmp_path / "index", embedder=FakeEmbedder())
    return Page(retriever, tmp_path / "index" / "uploads", export_dir=tmp_path / "exports")


def chat(page, questions):
    history, turns, panel = [], [], ""
    for q in questions:
        history = [*history, {"role": "user", "content": q}]
        history, panel, _status, turns, export = page.ask(q, history, "hybrid", 8, None, turns)
    return history, turns, panel, export


def test_page_keeps_every_answer_saves_feedback_reads_articles_and_exports(page, tmp_path):
    history, turns, panel, export = chat(
        page,
        [
            "How many visitors attended the harvest festival?",
            "What rate did the central bank keep interest rates at?",
            "When was the Eiffel Tower built?",  # abstained: no passage gives a date (see test_assistant on GDP)
        ],
    )
    assert [t.n for t in turns] == [1, 2, 3] and turns[2].answer.abstained
    assert 'id="source-1-1"' in panel and 'id="source-2-1"' in panel and 'id="turn-3" open' in panel
    assert "40,000" in Path(export).read_text() and "[^2]:" in Path(export).read_text()

    history, turns, status = page.feedback(history, turns, 1, "right")
    history, turns, status = page.feedback(history, turns, 3, "wrong")
    assert "answer 3 marked “wrong”" in status
    _, _, refused = page.feedback(history, turns, 3, "unsupported")  # an abstention quotes nothing
    assert "right or wrong" in refused
    assert "chosen" in history[turns[0].message]["content"] and turns[0].verdict == "right"
    rows = [json.loads(line) for line in (tmp_path / "index" / "feedback.jsonl").read_text().splitlines()]
    assert [(r["question"][:8], r["verdict"]) for r in rows] == [("How many", "right"), ("When was", "wrong")]

    view, original = page.read(turns, 2, 1, None)
    assert 'id="article-current"' in view and "4.5 percent" in view
    assert Path(original).read_text() == Path(turns[1].answer.citations[0].source).read_text()
    view, _ = page.read(turns, 3, None, 0)  # a closest passage of the abstention
    assert 'class="related current"' in view
    assert page.read(turns, 9, 1, None)[1] is None


def test_read_only_page_refuses_to_add_or_remove(corpus, tmp_path):
    from ui.app import READ_ONLY, Page

    retriever = Retriever.build(corpus, tmp_path / "index", embedder=FakeEmbedder())
    page = Page(retriever, tmp_path / "uploads", read_only=True, export_dir=tmp_path / "exports")
    assert page.api_add_article("new.txt", "Some article text about a new topic.\n") == READ_ONLY
    assert page.remove("alpha.txt") == READ_ONLY
    assert "alpha.txt" in retriever.documents and not (tmp_path / "uploads").exists()


# -- rag eval --feedback --------------------------------------------------------------------------------


def test_eval_feedback_turns_verdicts_into_questions_and_keeps_edits(page, tmp_path, capsys):
    from eval.harness import load_questions

    history, turns, _, _ = chat(
        page,
        [
            "How many visitors attended the harvest festival?",
            "When was the Eiffel Tower built?",  # abstained: no passage gives a date (see test_assistant on GDP)
            "What rate did the central bank keep interest rates at?",
        ],
    )
    page.feedback(history, turns, 1, "wrong")
    page.feedback(history, turns, 1, "right")  # the latest verdict counts
    page.feedback(history, turns, 2, "right")  # a right abstention
    page.feedback(history, turns, 3, "unsupported")
    feedback = tmp_path / "index" / "feedback.jsonl"
    with open(feedback, "a") as f:
        f.write('{"question": "torn line')  # a crash mid-write
    out = tmp_path / "fb" / "questions.jsonl"
    assert main(["eval", "--feedback", str(feedback), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "1 unreadable lines skipped" in printed and "2 questions added" in printed
    questions = load_questions(out)
    assert [q["type"] for q in questions] == ["factoid", "unanswerable"]
    first, second = questions
    assert first["answers"] and first["evidence"][0]["doc_id"] == "beta.md"
    assert first["evidence"][0]["quote"] in (tmp_path / "corpus" / "beta.md").read_text()
    assert second["answers"] == [] and second["history"] == [{"role": "user", "content": turns[0].question}]
    todo = [json.loads(line) for line in (tmp_path / "fb" / "questions.todo.jsonl").read_text().splitlines()]
    assert len(todo) == 1 and "does not support" in todo[0]["note"] and todo[0]["answers"] == []

    first["answers"] = ["40,000"]  # a person edits the gold answer...
    out.write_text("".join(json.dumps(q) + "\n" for q in questions))
    assert main(["eval", "--feedback", str(feedback), "--out", str(out), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["added"] == 0 and summary["questions"] == 2
    assert load_questions(out)[0]["answers"] == ["40,000"]  # ...and running it again keeps the edit


def test_eval_feedback_without_a_file_says_where_it_looked(tmp_path, capsys):
    assert main(["eval", "--feedback", str(tmp_path / "none.jsonl")]) == 1
    assert "cannot read feedback" in capsys.readouterr().err


# -- credentials ------------------------------------------------------------------------------------------


def test_credentials_come_from_the_flag_a_file_or_the_environment(tmp_path):
    assert credentials("ann:pw", None, {}) == [("ann", "pw")]
    (tmp_path / "users").write_text("# readers\nann:pw\nbob:x:y\n")
    assert credentials(None, tmp_path / "users", {}) == [("ann", "pw"), ("bob", "x:y")]
    assert credentials(None, None, {"RAG_AUTH": "cy:z"}) == [("cy", "z")]
    assert credentials(None, None, {}) is None
    for bad in ("ann", "ann:", ":pw", " "):
        with pytest.raises(RagError):
            parse_credentials(bad, "--auth")


@pytest.mark.parametrize(
    ("host", "share", "creds", "open_", "refused"),
    [
        ("127.0.0.1", False, None, False, False),
        ("localhost", False, None, False, False),
        ("0.0.0.0", False, None, False, True),
        ("192.168.1.5", False, None, False, True),
        ("127.0.0.1", True, None, False, True),  # a share link is public
        ("0.0.0.0", False, [("a", "b")], False, False),
        ("0.0.0.0", False, None, True, False),
    ],
)
def test_serving_beyond_this_machine_needs_credentials_or_open(host, share, creds, open_, refused):
    if refused:
        with pytest.raises(RagError, match="--auth USER:PASSWORD"):
            check_exposure(host, share, creds, open_)
    else:
        check_exposure(host, share, creds, open_)


def test_rag_serve_refuses_an_open_network_address_before_indexing(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("RAG_AUTH", raising=False)
    assert main(["serve", "--host", "0.0.0.0", "--index-dir", str(tmp_path / "index")]) == 1
    assert "needs credentials" in capsys.readouterr().err
    assert not (tmp_path / "index").exists()
    assert main(["serve", "--auth", "nocolon", "--index-dir", str(tmp_path / "index")]) == 1


def test_data_sent_by_the_browser_is_read_defensively():
    import gradio as gr

    from ui.app import _field, _number

    event = gr.EventData(None, {"action": "read", "turn": 2, "n": True, "hit": "1"})
    assert _field(event, "action") == "read" and _number(event, "turn") == 2
    assert _number(event, "n") is None and _number(event, "hit") is None and _field(event, "verdict") is None
    assert _number(gr.EventData(None, None), "turn") is None


def test_the_download_copy_is_made_once_per_change_and_not_of_huge_or_web_sources(page, tmp_path, monkeypatch):
    import shutil

    import ui.app

    copies, real_copy2 = [], shutil.copy2

    def counted_copy2(source: str, target: Path) -> object:
        copies.append(source)
        return real_copy2(source, target)

    monkeypatch.setattr(shutil, "copy2", counted_copy2)
    source = tmp_path / "feed.jsonl"
    source.write_text('{"text": "One."}\n')
    copy = page.original(str(source))
    assert copy and Path(copy).read_text() == source.read_text() and len(copies) == 1
    assert page.original(str(source)) == copy and len(copies) == 1  # unchanged: not copied again
    source.write_text('{"text": "One."}\n{"text": "Two."}\n')
    assert Path(page.original(str(source)) or "").read_text() == source.read_text() and len(copies) == 2
    namesake = tmp_path / "other" / "feed.jsonl"  # a file of the same name in another folder
    namesake.parent.mkdir()
    namesake.write_text('{"text": "Elsewhere."}\n')
    assert Path(page.original(str(namesake)) or "").read_text() == namesake.read_text()
    assert Path(copy).read_text() == source.read_text()  # the link given before still serves its own file
    monkeypatch.setattr(ui.app, "MAX_FILE_BYTES", 10)
    assert page.original(str(source)) is None
    assert page.original("https://example.org/story") is None
