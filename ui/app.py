"""The Gradio chat page: grounded answers with numbered sources for every answer, the whole article,
feedback, a Markdown export, the corpus, and settings.

Built only on the public `rag` API; Gradio is imported here and nowhere in `rag/`.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import gradio as gr

from rag import Assistant, RagError, Retriever
from rag.config import MODES
from rag.ingest.readers import MAX_FILE_BYTES, READERS
from rag.ingest.web import FEED_PREFIX

from .article import CURRENT, EMPTY_ARTICLE, article_html, layers_for
from .assets import BRIDGE_JS, CSS, PAGE_JS, SCROLL_TO_SPAN_JS
from .auth import Credentials
from .export import conversation_markdown
from .feedback import FEEDBACK_FILE, append_row, feedback_row
from .render import EMPTY_SOURCES, Layer, answer_html, esc, sources_panel
from .turns import VERDICTS, Turn
from .uploads import UploadError, check_upload, store

log = logging.getLogger(__name__)

EXAMPLES = [
    "What did Lavrov say about security guarantees?",
    "Who is Eric Ciaramella?",
    "How many drones hit western Ukraine overnight Thursday?",
    "What did Zelenskyy say Putin understands?",
]
READ_ONLY = "This page is read-only: articles cannot be added or removed here."
Reply = tuple[list[dict], str, str, list[Turn], str | None]


class Page:
    """The state behind the page: one shared retriever and assistant, the upload folder, the
    feedback file and a folder for exported conversations. Each browser session's conversation is
    a list of `Turn`s kept by the page (gr.State) and passed in."""

    def __init__(
        self,
        retriever: Retriever,
        upload_dir: Path,
        read_only: bool = False,
        feedback_path: Path | None = None,
        export_dir: Path | None = None,
    ) -> None:
        self.retriever = retriever
        self.assistant = Assistant(retriever)
        self.upload_dir = upload_dir
        self.read_only = read_only
        self.feedback_path = feedback_path or Path(retriever.index_dir) / FEEDBACK_FILE
        self.export_dir = export_dir or Path(tempfile.mkdtemp(prefix="rag-page-"))

    # -- chat ---------------------------------------------------------------------------------

    def ask(
        self,
        question: str,
        history: list[dict],
        mode: str,
        k: int,
        only: list[str] | None,
        turns: list[Turn] | None = None,
    ) -> Reply:
        """Answer `question` (as typed; `history` shows it escaped) after the earlier `turns`;
        returns history, sources panel (every answer's sources), status, the turns, and the
        conversation exported as Markdown (a file path)."""
        turns = list(turns or [])
        earlier = [{"role": "user", "content": t.question} for t in turns]
        try:
            answer = self.assistant.ask(question, earlier, mode=mode, k=int(k), doc_ids=only or None)
        except RagError as exc:
            history = [*history, {"role": "assistant", "content": f'<p class="error">⚠ {esc(str(exc))}</p>'}]
            return history, sources_panel(turns, self.retriever.documents), "", turns, self.export(turns)
        turn = Turn.of(turns, question, [m["content"] for m in earlier], answer, len(history), mode, int(k))
        turns.append(turn)
        reply = [{"role": "assistant", "content": answer_html(answer, turn.n)}]
        verb = "Abstained" if answer.abstained else "Answered"
        status = f"{verb} in {answer.seconds * 1000:.0f} ms · {mode} · {int(k)} passages"
        if answer.abstained and answer.reason:
            status += f" · {esc(answer.reason)}"
        return [*history, *reply], sources_panel(turns, self.retriever.documents), status, turns, self.export(turns)

    def feedback(
        self, history: list[dict], turns: list[Turn], n: int, verdict: str
    ) -> tuple[list[dict], list[Turn], str]:
        """Save `verdict` on answer `n` to the feedback file; returns history (the answer's buttons
        showing the verdict), the turns, and a status line."""
        if not 1 <= n <= len(turns) or verdict not in VERDICTS:
            return history, turns, "That answer is no longer in the conversation."
        turn = turns[n - 1]
        if turn.answer.abstained and verdict == "unsupported":
            return history, turns, "An abstention quotes nothing: say whether it was right or wrong."
        try:
            append_row(self.feedback_path, feedback_row(turn, turns[: n - 1], verdict))
        except OSError as exc:
            log.warning("feedback not saved: %s", exc)
            return history, turns, f"Could not save the feedback: {esc(exc.strerror or str(exc))}"
        turns = [*turns[: n - 1], turn.judged(verdict), *turns[n:]]
        history = list(history)
        if 0 <= turn.message < len(history) and history[turn.message]["role"] == "assistant":
            content = answer_html(turn.answer, turn.n, verdict)
            history[turn.message] = {"role": "assistant", "content": content}
        return history, turns, f"Thank you: answer {n} marked “{verdict}” (saved for evaluation)."

    def read(self, turns: list[Turn], n: int, source: int | None, hit: int | None) -> tuple[str, str | None]:
        """The article behind source `source` (or closest passage `hit`) of answer `n`, with every span
        the conversation cited from it highlighted; returns the article view and a copy of the file."""
        if not 1 <= n <= len(turns):
            return EMPTY_ARTICLE, None
        answer = turns[n - 1].answer
        extra = None
        if source is not None:
            cited = [c for c in answer.citations if c.n == source]
            if not cited:
                return EMPTY_ARTICLE, None
            doc_id, current = cited[0].doc_id, (n, source)
        elif hit is not None and 0 <= hit < len(answer.related):
            h = answer.related[hit]
            doc_id, current = h.doc_id, None
            extra = Layer(h.start, h.end, "related current", f"closest passage to question {n}", CURRENT)
        else:
            return EMPTY_ARTICLE, None
        doc = self.retriever.documents.get(doc_id)
        if doc is None:
            return f'<div class="article"><p>{esc(doc_id)} is no longer indexed.</p></div>', None
        return article_html(doc, layers_for(doc_id, turns, current), extra), self.original(doc.source)

    def original(self, source: str) -> str | None:
        """A copy of the article's file for download (Gradio serves files only from its own folders):
        of a collection, the whole file, copied again only when it changed; none past `MAX_FILE_BYTES`.
        Each source has its own folder, so two files of one name in different folders keep apart."""
        try:
            place = hashlib.sha256(str(Path(source).resolve()).encode("utf-8")).hexdigest()[:16]
            target = self.export_dir / "originals" / place / Path(source).name
            found = Path(source).stat()
            if found.st_size > MAX_FILE_BYTES:
                return None
            try:
                copied = target.stat()
            except FileNotFoundError:
                copied = None
            if copied is None or (copied.st_size, copied.st_mtime) != (found.st_size, found.st_mtime):
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, target)  # keeps the time it was changed, to compare next time
            return str(target)
        except (OSError, RuntimeError):  # RuntimeError: a symbolic link loop, as Python 3.11 resolves it
            return None

    def export(self, turns: list[Turn]) -> str | None:
        """The conversation as a Markdown file (one per conversation, rewritten after each answer)."""
        if not turns:
            return None
        folder = self.export_dir / turns[0].id
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "conversation.md"
        path.write_text(conversation_markdown(turns, when=datetime.now(UTC)), encoding="utf-8")
        return str(path)

    def api_ask(self, question: str, mode: str = "hybrid", k: int = 8) -> dict[str, Any]:
        """The answer as plain data (for gradio_client and scripts)."""
        try:
            answer = self.assistant.ask(question, mode=mode, k=int(k))
        except RagError as exc:
            return {"error": str(exc)}
        return answer.to_dict()

    # -- corpus -------------------------------------------------------------------------------

    def corpus_rows(self) -> list[list[Any]]:
        counts = self.retriever.corpus.chunk_counts()
        return [
            [f"{d.title}\n{d.doc_id}", " · ".join(x for x in (d.outlet, d.date) if x), counts.get(d.doc_id, 0)]
            for d in sorted(self.retriever.documents.values(), key=lambda d: d.doc_id)
        ]

    def choices(self) -> list[tuple[str, str]]:
        return [
            (f"{d.title} ({d.doc_id})", d.doc_id)
            for d in sorted(self.retriever.documents.values(), key=lambda d: d.doc_id)
        ]

    def upload(self, files: list[Any] | None) -> str:
        """Add files uploaded through the page (Gradio file objects or paths)."""
        if not files:
            return "No file chosen."
        pairs = []
        for f in files:
            path = Path(getattr(f, "name", f))
            pairs.append((path, getattr(f, "orig_name", None) or path.name))
        return self.add_files(pairs)

    def add_files(self, files: list[tuple[Path, str]]) -> str:
        """Check every (path, original name) first, then store and index the good ones."""
        if self.read_only:
            return READ_ONLY
        accepted, refused = [], []
        for path, original in files:
            try:
                name, data = check_upload(path, original)
                if name in self.retriever.documents and not (self.upload_dir / name).exists():
                    raise UploadError(f"{original}: an article called {name} is already indexed; rename the file")
                accepted.append((name, data))
            except (UploadError, OSError) as exc:
                refused.append(str(exc))
        added = []
        if accepted:
            saved = [store(self.upload_dir, name, data) for name, data in accepted]
            try:
                report = self.retriever.add_paths(saved)
                self.retriever.save()
                added = [*report.added, *report.updated]
            except RagError as exc:
                refused.append(str(exc))
        lines = [f"Added {esc(a)}; it is searchable now." for a in added]
        lines += [f"Refused {esc(r)}" for r in refused]
        return "<br>".join(lines) or "Nothing to add."

    def add_web(self, text: str | None, feed: bool = False) -> str:
        """Add the article URLs (or feeds) pasted into the page, separated by spaces or lines; the
        index then follows them, so a later re-sync keeps them (and a feed's new articles)."""
        if self.read_only:
            return READ_ONLY
        urls = (text or "").split()
        if not urls:
            return "Paste the address of an article" + (" feed." if feed else ".")
        lines = [f"Refused {esc(u)}: not an http(s) address" for u in urls if not u.startswith(("http://", "https://"))]
        sources = [FEED_PREFIX + u if feed else u for u in urls if u.startswith(("http://", "https://"))]
        if sources:
            try:
                report = self.retriever.add_paths(sources)
                failed = {skip.path for skip in report.skipped}  # not followed when it fails the first time
                kept = [x for x in sources if x not in failed or x in self.retriever.sources]
                self.retriever.sources = tuple(dict.fromkeys([*self.retriever.sources, *kept]))
                self.retriever.save()
            except RagError as exc:
                return "<br>".join([f"Refused: {esc(str(exc))}", *lines])
            added = [*report.added, *report.updated]
            lines = (
                [f"Added {esc(self.retriever.documents[a].title)} ({esc(a)}); it is searchable now." for a in added]
                + [f"Skipped {esc(s.path)}: {esc(s.reason)}" for s in report.skipped]
                + lines
            )
            if not added and report.unchanged:
                lines.insert(0, f"Nothing new: {len(report.unchanged)} already indexed.")
        return "<br>".join(lines)

    def api_add_url(self, url: str, feed: bool = False) -> str:
        """Add an article URL, or follow a feed (for scripts); the same as pasting it in the page."""
        return self.add_web(url, feed)

    def api_add_article(self, name: str, text: str) -> str:
        """Add one article given as text (for scripts); the same checks as an upload."""
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "upload"
            path.write_text(text, encoding="utf-8")
            return self.add_files([(path, name)])

    def remove(self, doc_id: str | None) -> str:
        if self.read_only:
            return READ_ONLY
        if not doc_id:
            return "Choose an article to remove."
        try:
            doc = self.retriever.documents.get(doc_id)
            self.retriever.remove_documents([doc_id])
            self.retriever.save()
        except RagError as exc:
            return f"Could not remove it: {esc(str(exc))}"
        note = ""
        if doc is not None and Path(doc.source).parent == self.upload_dir.resolve():
            Path(doc.source).unlink(missing_ok=True)
            note = " and its uploaded file deleted"
        else:
            note = "; the file itself stays where it is, so re-indexing its folder would bring it back"
        return f"Removed {esc(doc_id)} from the index{note}."


def _field(event: gr.EventData, name: str) -> Any:
    """A field of the data a page script sent with an event, or None (the data comes from the
    browser, so it may be anything)."""
    try:
        return getattr(event, name)
    except (AttributeError, TypeError):
        return None


def _number(event: gr.EventData, name: str) -> int | None:
    value = _field(event, name)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


@dataclass(frozen=True)
class Widgets:
    """The page's components, made by `_layout` and wired by `_wire_chat` and `_wire_corpus`."""

    turns: Any
    chat: Any
    question: Any
    send: Any
    clear: Any
    export: Any
    status: Any
    tabs: Any
    sources: Any
    article: Any
    original: Any
    table: Any
    only: Any
    files: Any
    web: Any
    add_url: Any
    add_feed: Any
    gone: Any
    remove: Any
    corpus_status: Any
    mode: Any
    k: Any


def build(
    retriever: Retriever, upload_dir: Path, read_only: bool = False, feedback_path: Path | None = None
) -> gr.Blocks:
    """The page, ready to `launch()`. `read_only` turns adding and removing articles off."""
    page = Page(retriever, Path(upload_dir), read_only=read_only, feedback_path=feedback_path)
    with gr.Blocks(title="Ask the articles") as demo:
        w = _layout(page, read_only)
        _wire_chat(page, w)
        _wire_corpus(page, w)
        gr.api(page.api_ask, api_name="ask")
        gr.api(page.api_add_article, api_name="add_article")
        gr.api(page.api_add_url, api_name="add_url")
    return demo


def _layout(page: Page, read_only: bool) -> Widgets:
    """The chat on the left; sources, the article being read, the corpus and settings on the right."""
    gr.Markdown(
        "## Ask the articles\nEvery answer is quoted from the articles, with numbered sources. "
        "When the articles don't say, it tells you so."
    )
    turns = gr.State([])
    with gr.Row():
        with gr.Column(scale=3):
            chat = gr.Chatbot(
                label="Conversation",
                height=480,
                sanitize_html=True,
                buttons=["copy", "copy_all"],
                elem_id="chat",
                feedback_options=None,  # each answer carries its own verdict buttons (render.feedback_html)
            )
            question = gr.Textbox(
                placeholder="Ask a question about the articles and press Enter",
                show_label=False,
                elem_id="question",
                max_lines=4,
            )
            with gr.Row():
                send = gr.Button("Ask", variant="primary", elem_id="send", min_width=90)
                clear = gr.Button("Clear conversation", elem_id="clear", min_width=90)
                export = gr.DownloadButton("Download as Markdown", value=None, elem_id="export", min_width=90)
            status = gr.Markdown("", elem_id="status")
            gr.Examples(EXAMPLES, inputs=[question], label="Try")
        with gr.Column(scale=2), gr.Tabs(elem_id="side") as tabs:
            with gr.Tab("Sources", id="sources"):
                sources = gr.HTML(EMPTY_SOURCES, elem_id="sources", js_on_load=BRIDGE_JS)
            with gr.Tab("Reading", id="reading"):
                article = gr.HTML(EMPTY_ARTICLE, elem_id="article")
                original = gr.DownloadButton("Download the original file", value=None, elem_id="original")
            with gr.Tab("Articles", elem_id="articles-tab"):
                table = gr.Dataframe(
                    page.corpus_rows(),
                    headers=["Article", "Outlet · date", "Chunks"],
                    interactive=False,
                    wrap=True,
                    elem_id="corpus",
                    column_widths=["62%", "26%", "12%"],
                )
                only = gr.CheckboxGroup(page.choices(), label="Only answer from these articles (none = all)")
                files = gr.File(
                    label=f"Add articles ({', '.join(READERS)}: text, saved web pages, JSON articles or NITF "
                    "stories, up to 2 MB each)",
                    file_count="multiple",
                    file_types=list(READERS),
                    elem_id="upload",
                    visible=not read_only,
                )
                web = gr.Textbox(
                    label="Or paste article or feed addresses (https://...)",
                    lines=1,
                    max_lines=4,
                    elem_id="web",
                    visible=not read_only,
                )
                with gr.Row():
                    add_url = gr.Button("Add article", elem_id="add-url", visible=not read_only)
                    add_feed = gr.Button("Follow feed", elem_id="add-feed", visible=not read_only)
                gone = gr.Dropdown(page.choices(), label="Remove an article", value=None, visible=not read_only)
                remove = gr.Button("Remove from index", visible=not read_only)
                corpus_status = gr.HTML("", elem_id="corpus-status")
            with gr.Tab("Settings"):
                mode = gr.Radio(list(MODES), value="hybrid", label="Retrieval mode")
                k = gr.Slider(1, 20, value=8, step=1, label="Passages to read per question")

    return Widgets(
        turns=turns,
        chat=chat,
        question=question,
        send=send,
        clear=clear,
        export=export,
        status=status,
        tabs=tabs,
        sources=sources,
        article=article,
        original=original,
        table=table,
        only=only,
        files=files,
        web=web,
        add_url=add_url,
        add_feed=add_feed,
        gone=gone,
        remove=remove,
        corpus_status=corpus_status,
        mode=mode,
        k=k,
    )


def _wire_chat(page: Page, w: Widgets) -> None:
    """Asking, clearing, and the clicks the sources panel's script sends (verdicts, "read")."""
    typed = gr.State("")  # the question as typed; the chat shows it escaped

    def add_question(text: str, history: list[dict]) -> tuple[str, list[dict], str, str]:
        text = (text or "").strip()
        message = {"role": "user", "content": esc(text)}  # shown as typed, never as markup
        return "", ([*history, message] if text else history), "Reading the articles…", text

    def answer(text: str, history: list[dict], mode: str, k: int, only: list[str], done: list[Turn]) -> tuple[Any, ...]:
        if not text:
            return history, gr.skip(), gr.skip(), gr.skip(), gr.skip()
        return page.ask(text, history, mode, k, only, done)

    for trigger in (w.question.submit, w.send.click):
        trigger(add_question, [w.question, w.chat], [w.question, w.chat, w.status, typed], queue=False).then(
            answer,
            [typed, w.chat, w.mode, w.k, w.only, w.turns],
            [w.chat, w.sources, w.status, w.turns, w.export],
            concurrency_limit=8,
        )
    w.clear.click(
        lambda: ([], EMPTY_SOURCES, "", [], None, EMPTY_ARTICLE, None),
        None,
        [w.chat, w.sources, w.status, w.turns, w.export, w.article, w.original],
        queue=False,
    )

    def panel_click(history: list[dict], done: list[Turn], event: gr.EventData) -> tuple[Any, ...]:
        """A click sent by the page's script: a verdict on an answer, or "read the whole article"."""
        n = _number(event, "turn")
        if n is None:
            return (gr.skip(),) * 6
        if _field(event, "action") == "feedback":
            history, done, message = page.feedback(history, done, n, str(_field(event, "verdict")))
            return history, done, message, gr.skip(), gr.skip(), gr.skip()
        view, file = page.read(done, n, _number(event, "n"), _number(event, "hit"))
        return gr.skip(), gr.skip(), gr.skip(), view, gr.Tabs(selected="reading"), file

    w.sources.click(
        panel_click, [w.chat, w.turns], [w.chat, w.turns, w.status, w.article, w.tabs, w.original], concurrency_limit=8
    ).then(None, js=SCROLL_TO_SPAN_JS)


def _wire_corpus(page: Page, w: Widgets) -> None:
    """Uploading, adding pages and feeds, removing; each refreshes the corpus widgets."""

    def refreshed(message: str) -> tuple[Any, ...]:
        choices = page.choices()
        return (
            message,
            page.corpus_rows(),
            gr.update(choices=choices, value=[]),
            gr.update(choices=choices, value=None),
            None,
        )

    w.files.upload(
        lambda f: refreshed(page.upload(f)),
        [w.files],
        [w.corpus_status, w.table, w.only, w.gone, w.files],
        concurrency_limit=1,
    )
    w.remove.click(
        lambda d: refreshed(page.remove(d)),
        [w.gone],
        [w.corpus_status, w.table, w.only, w.gone, w.files],
        concurrency_limit=1,
    )
    for button, is_feed in ((w.add_url, False), (w.add_feed, True)):
        button.click(
            lambda text, is_feed=is_feed: (*refreshed(page.add_web(text, is_feed)), ""),
            [w.web],
            [w.corpus_status, w.table, w.only, w.gone, w.files, w.web],
            concurrency_limit=1,
        )


def launch(
    retriever: Retriever,
    upload_dir: Path,
    host: str = "127.0.0.1",
    port: int = 7860,
    share: bool = False,
    auth: Credentials | None = None,
    read_only: bool = False,
) -> None:
    """Serve the page; with `auth`, Gradio asks for a user name and password and refuses every
    request (page data, API, files) without a valid session."""
    demo = build(retriever, upload_dir, read_only=read_only)
    demo.queue(default_concurrency_limit=8)
    demo.launch(
        js=PAGE_JS,
        server_name=host,
        server_port=port,
        share=share,
        auth=auth,
        auth_message="Sign in to ask the articles." if auth else None,
        css=CSS,
        show_error=False,
        allowed_paths=[],
        max_file_size="2mb",
    )
