import codecs
import os
import random
from pathlib import Path

import pytest
from fakes import deny_reading

from rag.errors import CorpusError
from rag.ingest.readers import find_files, load_documents

ARTICLE = "A headline for the test\n\nThe first sentence of the body is here. The second one follows it.\n"


def reasons(skipped):
    return {os.path.basename(s.path): s.reason for s in skipped}


def skipped_only(folder, files):
    """Write `files` (name -> text, or bytes) into `folder`, load it, and return why each was
    skipped: none of them may be read as an article."""
    for name, content in files.items():
        data = content if isinstance(content, bytes) else content.encode("utf-8")
        (folder / name).write_bytes(data)
    docs, skipped = load_documents([folder])
    assert not docs
    return reasons(skipped)


def test_loads_txt_and_md_recursively_with_relative_ids(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.txt").write_text(ARTICLE)
    (tmp_path / "sub" / "b.md").write_text(ARTICLE.replace("first", "only"))
    (tmp_path / "c.pdf").write_bytes(b"%PDF")
    (tmp_path / ".hidden.txt").write_text(ARTICLE)
    docs, skipped = load_documents([tmp_path])
    assert sorted(d.doc_id for d in docs) == ["a.txt", "sub/b.md"]
    assert not skipped
    doc = next(d for d in docs if d.doc_id == "a.txt")
    assert doc.title == "A headline for the test"
    assert len(doc.content_hash) == 64


def test_other_text_and_page_suffixes_are_read(tmp_path):
    story = ARTICLE + "\n@highlight\n\nThe first sentence, in short\n"
    (tmp_path / "cnn-0001.story").write_text(story)
    (tmp_path / "wire.TEXT").write_text(ARTICLE)
    page = "<html><head><title>A page</title></head><body><article><h1>A page</h1>"
    page += "<p>" + " ".join(["The body of the saved page says something worth reading."] * 5) + "</p>"
    (tmp_path / "saved.shtml").write_text(page + "</article></body></html>")
    docs, skipped = load_documents([tmp_path])
    assert not skipped
    by_id = {d.doc_id: d for d in docs}
    assert sorted(by_id) == ["cnn-0001.story", "saved.shtml", "wire.TEXT"]
    story_doc = by_id["cnn-0001.story"]
    assert story_doc.title == "A headline for the test"  # its headline, not its highlight
    kept = [story_doc.text[s:e] for s, e in story_doc.segments]
    assert "@highlight" not in kept and "The first sentence, in short" not in kept  # the summary: not indexed
    assert kept[-1] == ARTICLE.strip().splitlines()[-1].strip()
    assert by_id["saved.shtml"].extracted


def test_a_story_file_without_a_headline_is_titled_by_its_first_highlight(tmp_path):
    lead = "LONDON, England (CNN) -- A British man who admitted stealing more than 1,200 rare books was jailed."
    story = lead + "\n\n@highlight\n\nMan jailed for stealing rare books\n\n@highlight\n\nHe took 1,200\n"
    (tmp_path / "0a1b2c.story").write_text(story)
    (doc,), _ = load_documents([tmp_path])
    assert doc.title == "Man jailed for stealing rare books"
    assert [doc.text[s:e] for s, e in doc.segments] == [lead]
    headline = "Is this the end of the public library?"  # a headline may ask; it never ends with a full stop
    (tmp_path / "0a1b2c.story").write_text(headline + "\n\n" + story)
    (doc,), _ = load_documents([tmp_path])
    assert doc.title == headline


def test_a_mail_story_files_dotted_byline_and_times_are_no_part_of_its_first_sentence(tmp_path):
    glued = (
        "By . Jane Roe and John Doe . PUBLISHED: . 12:25 EST, 3 March 2014 . | . UPDATED: . 13:10 EST, 3 March 2014 . "
    )
    lead = "A woman who stole more than 1,200 rare books was jailed for four years yesterday. She was 43."
    (tmp_path / "dm.story").write_text(glued + lead + "\n\n@highlight\n\nWoman jailed for stealing rare books\n")
    (tmp_path / "dm2.story").write_text("By . Daily Mail Reporter . " + lead + "\n")
    (tmp_path / "dm3.story").write_text("By . Jane E. Roe, Political Editor . and John Doe . " + lead + "\n")
    docs, _ = load_documents([tmp_path])
    mail, staff, titled = sorted(docs, key=lambda d: d.doc_id)
    assert [titled.text[s:e] for s, e in titled.segments] == [lead]
    assert titled.authors == ("Jane E. Roe", "John Doe") and staff.authors == ()
    assert [mail.text[s:e] for s, e in mail.segments] == [lead]
    assert (mail.authors, mail.date, mail.title) == (
        ("Jane Roe", "John Doe"),
        "2014-03-03",
        "Woman jailed for stealing rare books",
    )
    assert [staff.text[s:e] for s, e in staff.segments] == [lead]


def test_single_file_is_named_by_its_file_name(tmp_path):
    (tmp_path / "x.txt").write_text(ARTICLE)
    docs, _ = load_documents([tmp_path / "x.txt"])
    assert [d.doc_id for d in docs] == ["x.txt"]
    assert docs[0].source == str((tmp_path / "x.txt").resolve())


def test_bad_files_are_skipped_with_reasons(tmp_path):
    (tmp_path / "good.txt").write_text(ARTICLE)
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "blank.txt").write_text("  \n\n \t\n")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02binary\x00")
    noise = random.Random(1)
    (tmp_path / "noise.txt").write_bytes(bytes(noise.randrange(1, 256) for _ in range(3000)))  # no NUL, no text
    (tmp_path / "boiler.txt").write_text("Sponsor: ACME\nEmail Us\nAdvertisement\n")
    docs, skipped = load_documents([tmp_path])
    assert [d.doc_id for d in docs] == ["good.txt"]
    got = reasons(skipped)
    assert got["empty.txt"] == "empty file"
    assert got["blank.txt"] == "empty file"
    assert "binary" in got["binary.txt"]
    assert got["noise.txt"].startswith("not UTF-8 text (bad byte at offset") and "save it as UTF-8" in got["noise.txt"]
    assert "boilerplate" in got["boiler.txt"]


def test_a_legacy_encoded_article_is_read_in_its_encoding(tmp_path):
    """An archive saved in Windows-1252 (curly quotes, dashes, accents, the euro sign) is read, not skipped."""
    text = "Café owners count the damage\n\n“We lost a week,” one said — the repairs cost 5,000 €.\n"
    (tmp_path / "legacy.txt").write_bytes(text.encode("cp1252"))
    docs, skipped = load_documents([tmp_path])
    assert not skipped and docs[0].text == text and docs[0].title == "Café owners count the damage"


def test_utf16_with_bom_and_crlf_keep_exact_offsets(tmp_path):
    text = "Headline of a CRLF story\r\n\r\nA sentence with an accent: café. Another sentence.\r\n"
    (tmp_path / "u16.txt").write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    (tmp_path / "crlf.txt").write_bytes(text.encode("utf-8"))
    docs, skipped = load_documents([tmp_path])
    assert not skipped
    for doc in docs:
        assert doc.text == text  # no newline translation
        for s, e in doc.segments:
            assert "\r" not in doc.text[s:e]


def test_unreadable_file_is_skipped(tmp_path, monkeypatch):
    (tmp_path / "good.txt").write_text(ARTICLE)
    (tmp_path / "locked.txt").write_text(ARTICLE)
    deny_reading(monkeypatch, "locked.txt")
    docs, skipped = load_documents([tmp_path])
    assert [d.doc_id for d in docs] == ["good.txt"]
    assert reasons(skipped) == {"locked.txt": "Permission denied"}


def test_missing_path_is_a_clear_error(tmp_path):
    with pytest.raises(CorpusError, match="does not exist"):
        load_documents([tmp_path / "nope"])


def test_clashing_ids_are_a_clear_error(tmp_path):
    for folder in ("one", "two"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "same.txt").write_text(ARTICLE)
    with pytest.raises(CorpusError, match=r"same\.txt"):
        load_documents([tmp_path / "one", tmp_path / "two"])


def test_symlink_loops_are_not_followed(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE)
    (tmp_path / "loop").symlink_to(tmp_path, target_is_directory=True)
    assert [i for i, _ in find_files([tmp_path])] == ["a.txt"]


def test_articles_saved_as_json_objects_are_read_with_their_fields(tmp_path):
    import json

    body = "Talks resumed in Geneva on Monday.\n\nAdvertisement\n\nBoth sides said the first day went well.\n"
    news_please = {
        "title": "Geneva talks  resume",
        "maintext": body,
        "authors": ["Ana Ruiz", "Tom Lee"],
        "date_publish": "2025-08-27 10:00:00",
        "source_domain": "example.org",
        "url": "https://example.org/geneva",
    }
    listed = {  # the text as a list of paragraphs, the authors as one "A; B" string
        "title": "Harbour deal",
        "text": ["Workers ended the strike.", "Pay rises 4%."],
        "author": "By Ingrid Solberg; Marcus Webb",
        "hostname": "courier.example",
        "date": "2025-09-03",
    }
    news_api = {
        "headline": "Rates held",
        "content": "The bank held rates.",
        "source": {"name": "Wire"},
        "publishedAt": "2025-10-01T08:00:00Z",
    }
    for name, record in [("a.json", news_please), ("b.json", listed), ("c.json", news_api)]:
        (tmp_path / name).write_text(json.dumps(record))
    docs, skipped = load_documents([tmp_path])
    assert not skipped
    a, b, c = sorted(docs, key=lambda d: d.doc_id)
    assert a.text == body and a.extracted and a.url == "https://example.org/geneva"
    fields = ("Geneva talks resume", ("Ana Ruiz", "Tom Lee"), "2025-08-27", "example.org")
    assert (a.title, a.authors, a.date, a.outlet) == fields
    # Cleaned as plain text: the furniture line is not article text, and offsets index `text`.
    kept = [a.text[s:e] for s, e in a.segments]
    assert "Advertisement" not in kept and "Talks resumed in Geneva on Monday." in kept
    assert b.text == "Workers ended the strike.\n\nPay rises 4%."
    assert (b.authors, b.outlet, b.date) == (("Ingrid Solberg", "Marcus Webb"), "courier.example", "2025-09-03")
    assert (c.title, c.outlet, c.date) == ("Rates held", "Wire", "2025-10-01")


def test_json_files_that_hold_no_article_are_skipped_with_reasons(tmp_path):
    why = skipped_only(
        tmp_path,
        {
            "broken.json": '{"text": "unterminated',
            "empty.json": "[]",
            "settings.json": '{"theme": "dark"}',
            "number.json": "42",
            "latin1.json": '{"text": "Café"}'.encode("latin-1"),
        },
    )
    assert why["broken.json"].startswith("not valid JSON (Unterminated string")
    assert why["broken.json"].endswith("; save one article object, or a list of them, per .json file")
    assert why["empty.json"] == "an empty list; save one article object, or a list of them, per .json file"
    assert why["settings.json"].startswith("no article text: put it in one of the fields text/maintext/")
    assert why["number.json"] == "not a JSON object; save each article as an object with its text in a text field"
    assert why["latin1.json"].startswith("not JSON text (bad byte at offset")


def test_an_index_of_json_articles_cites_their_text_exactly(tmp_path):
    import json

    from fakes import FakeEmbedder

    from rag import Assistant, Retriever

    folder = tmp_path / "articles"
    folder.mkdir()
    record = {
        "title": "Harbour strike ends",
        "maintext": "Dock workers ended their strike on Tuesday.\nThe union said 412 ships had been diverted.\n",
        "source_domain": "courier.example",
    }
    (folder / "strike.json").write_text(json.dumps(record))
    (folder / "other.txt").write_text(ARTICLE)
    retriever = Retriever.build(folder, tmp_path / "index", embedder=FakeEmbedder())
    loaded = Retriever.load(tmp_path / "index", embedder=FakeEmbedder())
    assert loaded.documents == retriever.documents and loaded.documents["strike.json"].extracted
    hits = loaded.search("How many ships were diverted during the strike?", k=2)
    assert hits[0].doc_id == "strike.json" and hits[0].outlet == "courier.example"
    answer = Assistant(loaded).ask("How many ships were diverted during the strike?")
    assert "412" in answer.text and answer.citations[0].doc_id == "strike.json"
    for citation in answer.citations:
        assert loaded.documents[citation.doc_id].text[citation.start : citation.end] == citation.quote


def test_json_fields_are_read_from_the_first_key_that_fits(tmp_path):
    import json

    import trafilatura

    page = (Path(__file__).parent / "fixtures" / "web" / "jsonld.html").read_text(encoding="utf-8")
    extracted = trafilatura.extract(page, output_format="json", with_metadata=True, url="https://courier.example/a")
    (tmp_path / "trafilatura.json").write_text(extracted)
    odd = {
        "text": "   ",
        "maintext": "Real body.",
        "title": 42,
        "headline": "Real title",
        "author": {"x": 1},
        "byline": "Smith, John",
        "source": "https://example.org/odd",
        "hostname": None,
    }
    (tmp_path / "odd.json").write_text(json.dumps(odd))
    (tmp_path / "utf16.json").write_bytes(json.dumps({"text": "Café talks."}).encode("utf-16"))
    docs, skipped = load_documents([tmp_path])
    assert not skipped
    by_id = {d.doc_id: d for d in docs}
    page_doc = by_id["trafilatura.json"]
    fields = json.loads(extracted)
    assert page_doc.url == fields["source"] and page_doc.url.startswith("https://")
    assert page_doc.outlet == fields["source-hostname"] == "The Northern Courier"
    assert page_doc.title == "Harbour workers end strike after pay deal"
    assert "Dorothea Pike" in page_doc.text
    odd_doc = by_id["odd.json"]
    assert (odd_doc.text, odd_doc.title, odd_doc.authors) == ("Real body.", "Real title", ("Smith, John",))
    assert (odd_doc.url, odd_doc.outlet) == ("https://example.org/odd", None)
    assert by_id["utf16.json"].text == "Café talks."


def test_json_that_cannot_be_read_is_one_line_and_an_upload_is_refused(tmp_path):
    from ui.uploads import UploadError, check_upload

    why = skipped_only(
        tmp_path,
        {
            "deep.json": "[" * 200_000,
            "long-number.json": '{"text": ' + "9" * 5_000 + "}",
            "lines.json": '{"text": "One."}\n{"text": "Two."}\n',
        },
    )
    assert why["deep.json"].startswith("JSON that cannot be read (RecursionError)")
    assert why["long-number.json"].startswith("JSON that cannot be read (ValueError)")
    assert why["lines.json"] == "more than one JSON value: if it holds one article object a line, name it .jsonl"
    with pytest.raises(UploadError, match=r"lines\.json: more than one JSON value"):
        check_upload(tmp_path / "lines.json", "lines.json")
    (tmp_path / "ok.json").write_text('{"text": "Talks resumed in Geneva on Monday."}')
    assert check_upload(tmp_path / "ok.json", "ok.json")[0] == "ok.json"


def test_a_collection_file_gives_one_document_per_record(tmp_path):
    import json

    lines = [
        {"id": "a81f", "title": "Talks resume", "text": "Talks resumed in Geneva on Monday."},
        {"title": "No id", "maintext": "The second record has no id of its own."},
        "not an object",
        {"id": "a81f", "text": "A second record with the same id is keyed by its line."},
        {"headline": "No text at all"},
    ]
    body = "\n".join(json.dumps(x) for x in lines[:2]) + "\n\n{broken\n" + "\n".join(json.dumps(x) for x in lines[2:])
    (tmp_path / "news.jsonl").write_text(body + "\n")
    (tmp_path / "wire.json").write_text(json.dumps([{"text": "First item."}, {"id": 7, "text": "Item seven."}]))
    docs, skipped = load_documents([tmp_path])
    by_id = {d.doc_id: d for d in docs}
    assert sorted(by_id) == [
        "news.jsonl#a81f",
        "news.jsonl#line-2",
        "news.jsonl#line-6",
        "wire.json#7",
        "wire.json#item-1",
    ]
    assert by_id["news.jsonl#line-6"].text == "A second record with the same id is keyed by its line."
    assert by_id["news.jsonl#a81f"].text == "Talks resumed in Geneva on Monday." and by_id["news.jsonl#a81f"].extracted
    assert by_id["news.jsonl#a81f"].title == "Talks resume" and by_id["news.jsonl#line-2"].title == "No id"
    assert by_id["wire.json#7"].source == str((tmp_path / "wire.json").resolve())
    why = reasons(skipped)
    assert why["news.jsonl#line-4"] == (
        "line 4: not valid JSON (Expecting property name enclosed in double quotes at column 2)"
    )
    assert why["news.jsonl#line-5"].startswith("line 5: not a JSON object")
    assert why["news.jsonl#line-7"].startswith("line 7: no article text: put it in one of the fields")


def test_records_appended_to_a_collection_rename_none_before_them(tmp_path):
    import json

    def keys(records: list[dict]) -> list[str]:
        (tmp_path / "feed.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
        return [d.doc_id for d in load_documents([tmp_path])[0]]

    records = [{"text": "No id here."}, {"id": "a", "text": "Id a."}, {"text": "No id either."}]
    before = keys(records)
    assert before == ["feed.jsonl#line-1", "feed.jsonl#a", "feed.jsonl#line-3"]
    # An id that looks like a line's key, a number, a repeated id, a MongoDB id: none renames another.
    more = [
        {"id": "line-1", "text": "An id in the form of a line's key."},
        {"id": 1, "text": "A number for an id."},
        {"id": "a", "text": "An id used before."},
        {"_id": {"$oid": "65f0"}, "text": "A MongoDB id."},
    ]
    assert keys(records + more) == [
        *before,
        "feed.jsonl#line-4",
        "feed.jsonl#1",
        "feed.jsonl#line-6",
        "feed.jsonl#65f0",
    ]


def test_a_collection_stays_in_sync_record_by_record(tmp_path):
    import json

    from fakes import FakeEmbedder

    from rag import Retriever

    folder = tmp_path / "articles"
    folder.mkdir()
    feed = folder / "feed.jsonl"
    cities = ["Geneva", "Vienna", "Oslo"]
    records = [{"id": f"r{n}", "text": f"Record {n} says the talks in {c} went well."} for n, c in enumerate(cities)]
    feed.write_text("".join(json.dumps(r) + "\n" for r in records))
    retriever = Retriever.build(folder, tmp_path / "index", embedder=FakeEmbedder())
    assert sorted(retriever.documents) == ["feed.jsonl#r0", "feed.jsonl#r1", "feed.jsonl#r2"]
    hit = retriever.search("Vienna", k=1, mode="bm25")[0]
    assert hit.doc_id == "feed.jsonl#r1" and retriever.documents[hit.doc_id].text[hit.start : hit.end] == hit.text
    # A record appended and one dropped: only those change, the others are not embedded again.
    records = [*records[1:], {"id": "r3", "text": "Record 3 is new and mentions a ceasefire."}]
    feed.write_text("".join(json.dumps(r) + "\n" for r in records))
    report = retriever.sync(folder)
    assert (report.added, report.removed, sorted(report.unchanged)) == (
        ("feed.jsonl#r3",),
        ("feed.jsonl#r0",),
        ["feed.jsonl#r1", "feed.jsonl#r2"],
    )
    assert report.texts_embedded == 1  # the new record: its one sentence is its chunk, embedded once
    retriever.save()
    assert sorted(Retriever.load(tmp_path / "index").documents) == ["feed.jsonl#r1", "feed.jsonl#r2", "feed.jsonl#r3"]


def test_a_collection_cannot_be_uploaded_as_one_article(tmp_path):
    from ui.uploads import UploadError, check_upload

    (tmp_path / "two.json").write_text('[{"text": "One article."}, {"text": "Another article."}]')
    with pytest.raises(UploadError, match=r"two\.json: a collection of 2 articles: index it with `rag index`"):
        check_upload(tmp_path / "two.json", "two.json")
    (tmp_path / "feed.jsonl").write_text('{"text": "One article."}\n')
    with pytest.raises(UploadError, match=r"feed\.jsonl: only .* files can be added"):
        check_upload(tmp_path / "feed.jsonl", "feed.jsonl")
