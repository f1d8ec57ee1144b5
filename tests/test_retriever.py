import dataclasses
import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from fakes import ARTICLES, FakeEmbedder

from rag import (
    Config,
    CorpusError,
    IndexBusyError,
    IndexCorruptError,
    IndexMismatchError,
    IndexNotFoundError,
    QueryError,
    Retriever,
)
from rag.index import hubs
from rag.index.store import IndexStore
from rag.index.words import terms_of

MODES = ["hybrid", "dense", "bm25"]
QUESTIONS = [
    "ceasefire talks in Geneva",
    "interest rates inflation",
    "pumpkins at the harvest festival",
    "who is the mediator",
    "record attendance",
]


def build(corpus, tmp_path, fake, **kw):
    return Retriever.build(corpus, tmp_path / "index", embedder=fake, **kw)


def grown(corpus, tmp_path, fake, config=None):
    """The corpus's index grown one article at a time, in reverse order of name."""
    retriever = Retriever(embedder=fake, index_dir=tmp_path / "grown", config=config)
    for name in sorted(ARTICLES, reverse=True):
        retriever.add_paths([corpus / name])
    return retriever


def results(retriever, mode="hybrid", k=5):
    return [[(h.chunk_id, round(h.score, 6)) for h in retriever.search(q, k=k, mode=mode)] for q in QUESTIONS]


@pytest.mark.parametrize("mode", MODES)
def test_hits_are_sorted_bounded_and_exact(corpus, tmp_path, fake, mode):
    retriever = build(corpus, tmp_path, fake, config=Config(chunk_tokens=24))
    for question in QUESTIONS:
        for k in (1, 3, 50):
            hits = retriever.search(question, k=k, mode=mode)
            assert len(hits) <= k
            assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
            assert len({h.chunk_id for h in hits}) == len(hits)
            for hit in hits:
                original = Path(hit.source).read_bytes().decode("utf-8")
                assert original[hit.start : hit.end] == hit.text
                assert hit.doc_id in ARTICLES
                assert hit.title


def test_the_right_article_comes_first(corpus, tmp_path, fake):
    retriever = build(corpus, tmp_path, fake)
    assert retriever.search("central bank interest rates")[0].doc_id == "gamma.txt"
    assert retriever.search("pumpkins harvest festival")[0].doc_id == "beta.md"
    hit = retriever.search("Geneva ceasefire negotiators")[0]
    assert (hit.doc_id, hit.outlet, hit.date, hit.authors) == ("alpha.txt", None, "2025-08-27", ("Jane Q. Reporter",))


def test_boilerplate_is_never_returned(corpus, tmp_path, fake):
    retriever = build(corpus, tmp_path, fake)
    for mode in MODES:
        for hit in retriever.search("sign up newsletter inbox terms comments photograph", k=50, mode=mode):
            assert "newsletter" not in hit.text and "Photograph" not in hit.text


@pytest.mark.parametrize("mode", MODES)
def test_save_load_round_trip_gives_identical_results(corpus, tmp_path, fake, mode):
    retriever = build(corpus, tmp_path, fake)
    loaded = Retriever.load(tmp_path / "index", embedder=FakeEmbedder())
    assert results(loaded, mode) == results(retriever, mode)
    assert loaded.documents == retriever.documents
    assert loaded.chunks == retriever.chunks
    assert loaded.config == retriever.config


@pytest.mark.parametrize("mode", MODES)
def test_doc_filter_restricts_results(corpus, tmp_path, fake, mode):
    retriever = build(corpus, tmp_path, fake)
    hits = retriever.search("ceasefire rates pumpkins", k=50, mode=mode, doc_ids=["gamma.txt"])
    assert hits and {h.doc_id for h in hits} == {"gamma.txt"}


def test_sync_adds_updates_and_removes_without_reembedding_unchanged(corpus, tmp_path, fake):
    retriever = build(corpus, tmp_path, fake)
    first = fake.embedded
    assert retriever.last_sync.added and not retriever.last_sync.updated

    same = build(corpus, tmp_path, fake)
    assert fake.embedded == first
    assert not same.last_sync.changed and len(same.last_sync.unchanged) == 3

    (corpus / "delta.txt").write_text("Volcano erupts\n\nA volcano erupted on the island, forcing evacuations.\n")
    (corpus / "gamma.txt").write_text(ARTICLES["gamma.txt"] + "\nA new closing paragraph about bonds.\n")
    (corpus / "beta.md").unlink()
    synced = build(corpus, tmp_path, fake)
    report = synced.last_sync
    assert (report.added, report.updated, report.removed) == (("delta.txt",), ("gamma.txt",), ("beta.md",))
    # gamma's unchanged chunks and sentences reuse their vectors; only new text is embedded
    new_texts = {c.text for c in synced.chunks.values() if c.doc_id in ("delta.txt", "gamma.txt")}
    new_texts |= {
        synced.documents[c.doc_id].text[s:e]
        for c in synced.chunks.values()
        if c.doc_id in ("delta.txt", "gamma.txt")
        for s, e in c.sentences
    }
    assert 0 < report.texts_embedded < len(new_texts)
    assert fake.embedded == first + report.texts_embedded
    reloaded = Retriever.load(tmp_path / "index", embedder=FakeEmbedder())
    assert sorted(reloaded.documents) == ["alpha.txt", "delta.txt", "gamma.txt"]
    assert reloaded.search("volcano evacuations")[0].doc_id == "delta.txt"
    for mode in MODES:
        assert all(h.doc_id != "beta.md" for h in reloaded.search("pumpkins harvest", k=50, mode=mode))


def test_a_file_read_otherwise_by_newer_rules_is_indexed_again(corpus, tmp_path, fake, monkeypatch):
    # An index made while a closing line was article text; the rules now drop it (as a rule added
    # in a new version of rag would): the file's text is the same, but it is read again, and nothing
    # already embedded is embedded again.
    import rag.ingest.readers as readers

    (corpus / "gamma.txt").write_text(ARTICLES["gamma.txt"] + "\nAdvertisement\n")
    real_clean = readers.clean

    def older_clean(text):  # the closing line kept, as older rules would have
        cleaned = real_clean(text)
        if "Advertisement" not in text:
            return cleaned
        ad = text.rindex("Advertisement")
        kept = tuple(sorted({*cleaned.segments, (ad, ad + len("Advertisement"))}))
        return dataclasses.replace(cleaned, segments=kept, removed=())

    monkeypatch.setattr(readers, "clean", older_clean)
    old = build(corpus, tmp_path, fake)
    assert any("Advertisement" in c.text for c in old.chunks.values())
    monkeypatch.setattr(readers, "clean", real_clean)
    before = fake.embedded
    new = build(corpus, tmp_path, fake)
    assert new.last_sync.updated == ("gamma.txt",) and len(new.last_sync.unchanged) == 2
    assert not any("Advertisement" in c.text for c in new.chunks.values())
    assert len(new.chunks) == len(old.chunks) - 1  # the line was a passage of its own
    assert new.last_sync.texts_embedded == fake.embedded - before == 0  # every other passage's vectors reused
    assert build(corpus, tmp_path, fake).last_sync.changed is False


@pytest.mark.parametrize("mode", MODES)
def test_adding_then_removing_a_document_restores_results(corpus, tmp_path, fake, mode):
    retriever = build(corpus, tmp_path, fake)
    before = results(retriever, mode)
    extra = tmp_path / "extra.txt"
    extra.write_text("Geneva ceasefire interest rates pumpkins\n\nGeneva talks on rates and pumpkins and records.\n")
    retriever.add_paths([extra])
    assert results(retriever, mode) != before
    retriever.remove_documents(["extra.txt"])
    assert results(retriever, mode) == before


def test_what_searches_remember_per_chunk_follows_an_updated_document(corpus, tmp_path, fake):
    retriever = build(corpus, tmp_path, fake)
    results(retriever)  # the corpus now remembers its chunks' sentence vectors, terms and spans
    (corpus / "gamma.txt").write_text(ARTICLES["gamma.txt"] + "\nVolcanoes erupted near the central bank.\n")
    retriever.sync(corpus)
    assert retriever.last_sync.updated == ("gamma.txt",)
    retriever.save()
    fresh = Retriever.load(tmp_path / "index", embedder=FakeEmbedder())
    mine, theirs = retriever.corpus, fresh.corpus
    for chunk in retriever.chunks.values():
        keys = [(chunk.doc_id, s, e) for s, e in chunk.sentences]
        assert np.array_equal(mine.chunks_sentence_vectors([chunk.chunk_id])[0], theirs.sentence_vectors(keys))
        assert mine.chunk_sentence_terms(chunk.chunk_id) == theirs.chunk_sentence_terms(chunk.chunk_id)
        assert mine.chunk_terms(chunk.chunk_id) == theirs.chunk_terms(chunk.chunk_id) == terms_of(chunk.text)
        assert mine.doc_sentences(chunk.doc_id) == theirs.doc_sentences(chunk.doc_id)
    assert results(retriever) == results(fresh)
    assert retriever.search("volcanoes erupted near the central bank")[0].doc_id == "gamma.txt"


def hubness_by_numpy(retriever, ids, sample=None):
    """Each chunk's cosine with the mean vector of `sample` (default: every chunk), and its mean cosine
    with its ten nearest others in it."""
    sample = sorted(sample or retriever.chunks)
    reference = retriever.corpus.vectors.get(sample)
    mean = reference.sum(axis=0)
    rows = []
    for chunk_id in ids:
        vector = retriever.corpus.vectors.get([chunk_id])[0]
        others = sorted(
            (float(vector @ r) for s, r in zip(sample, reference, strict=True) if s != chunk_id), reverse=True
        )
        rows.append([vector @ mean / np.linalg.norm(mean), np.mean(others[: min(10, len(sample) - 1)])])
    return np.array(rows)


def test_hubness_reads_every_chunk_whatever_order_they_came_in_and_follows_changes(corpus, tmp_path, fake):
    retriever = build(corpus, tmp_path, fake)
    ids = sorted(retriever.chunks)
    np.testing.assert_allclose(retriever.corpus.hubness(ids), hubness_by_numpy(retriever, ids), atol=1e-5)
    # The same index grown one article at a time, in another order.
    other = grown(corpus, tmp_path, fake)
    assert sorted(other.chunks) == ids
    assert np.array_equal(other.corpus.hubness(ids), retriever.corpus.hubness(ids))
    # A chunk's figures are the same computed alone or with others, first or after others.
    assert np.array_equal(
        np.vstack([other.corpus.hubness([i]) for i in reversed(ids)])[::-1], other.corpus.hubness(ids)
    )
    assert retriever.corpus.hubness([]).shape == (0, 2)
    # What it remembers is dropped when an article comes or goes.
    extra = tmp_path / "extra.txt"
    extra.write_text("Geneva ceasefire interest rates pumpkins\n\nGeneva talks on rates and pumpkins and records.\n")
    retriever.add_paths([extra])
    np.testing.assert_allclose(retriever.corpus.hubness(ids), hubness_by_numpy(retriever, ids), atol=1e-5)
    retriever.remove_documents(["extra.txt"])
    assert np.array_equal(retriever.corpus.hubness(ids), other.corpus.hubness(ids))


def test_a_large_corpus_measures_hubs_against_a_sample_chosen_by_id(corpus, tmp_path, fake, monkeypatch):
    monkeypatch.setattr(hubs, "SAMPLE", 8)
    retriever = build(corpus, tmp_path, fake, config=Config(chunk_tokens=24))
    ids = sorted(retriever.chunks)
    sample = hubs.reference_ids(ids, 8)
    assert len(ids) > 8 and len(sample) == 8 and set(sample) < set(ids)
    np.testing.assert_allclose(retriever.corpus.hubness(ids), hubness_by_numpy(retriever, ids, sample), atol=1e-5)
    other = grown(corpus, tmp_path, fake, Config(chunk_tokens=24))
    assert np.array_equal(other.corpus.hubness(ids), retriever.corpus.hubness(ids))


def test_a_lone_chunk_has_no_neighbours(tmp_path, fake):
    folder = tmp_path / "one"
    folder.mkdir()
    (folder / "a.txt").write_text("Geneva talks resumed on Monday.\n")
    retriever = Retriever.build(folder, tmp_path / "index", embedder=fake)
    (only,) = retriever.chunks
    assert retriever.corpus.hubness([only]).tolist() == [[pytest.approx(1.0), 0.0]]


def test_a_chunks_terms_are_its_texts_whether_read_off_its_sentences_or_tokenised(corpus, tmp_path, fake):
    """`Corpus.chunk_terms` unites the sentences' terms when they cover the chunk; a chunk whose
    sentences leave words out (a splitter that dropped some text) is tokenised whole instead."""
    retriever = build(corpus, tmp_path, fake)
    for chunk in retriever.chunks.values():
        assert retriever.corpus.chunk_terms(chunk.chunk_id) == terms_of(chunk.text)
    fresh = Retriever.load(tmp_path / "index", embedder=FakeEmbedder()).corpus  # nothing remembered yet
    chunk = next(c for c in fresh.chunks.values() if len(c.sentences) > 1)
    (start, _), *rest = chunk.sentences
    first_word = chunk.text.split()[0]
    fresh.chunks[chunk.chunk_id] = dataclasses.replace(chunk, sentences=((start, start + len(first_word)), *rest))
    assert frozenset().union(*fresh.chunk_sentence_terms(chunk.chunk_id)) != terms_of(chunk.text)
    assert fresh.chunk_terms(chunk.chunk_id) == terms_of(chunk.text)


@pytest.mark.parametrize("kept", [1024, 2])  # 2: remembering the missing ones empties the cache midway
def test_sentence_vectors_of_many_chunks_read_at_once_are_each_chunks_own(corpus, tmp_path, fake, monkeypatch, kept):
    monkeypatch.setattr("rag.corpus.CHUNK_CACHE", kept)
    retriever = build(corpus, tmp_path, fake)
    ids = sorted(retriever.chunks)
    one_by_one = Retriever.load(tmp_path / "index", embedder=FakeEmbedder()).corpus
    expected = {i: one_by_one.chunks_sentence_vectors([i])[0] for i in ids}
    fresh = Retriever.load(tmp_path / "index", embedder=FakeEmbedder()).corpus
    fresh.chunks_sentence_vectors([ids[1]])  # one remembered, the others read in one look-up
    asked = [ids[0], ids[1], ids[0], *ids[2:]]
    got = fresh.chunks_sentence_vectors(asked)
    assert all(np.array_equal(g, expected[i]) for g, i in zip(got, asked, strict=True))
    assert all(not g.flags.writeable for g in got)


def test_k_larger_than_corpus_returns_everything(corpus, tmp_path, fake):
    retriever = build(corpus, tmp_path, fake)
    assert len(retriever.search("the", k=10_000, mode="dense")) == len(retriever.chunks)


@pytest.mark.parametrize(
    ("query", "k", "mode", "message"),
    [
        ("", 5, "hybrid", "empty"),
        ("   \n\t", 5, "hybrid", "empty"),
        ("x" * 100_000, 5, "hybrid", "100,000"),
        ("fine", 0, "hybrid", "at least 1"),
        ("fine", 5, "magic", "unknown mode"),
    ],
)
def test_bad_queries_get_clear_errors(corpus, tmp_path, fake, query, k, mode, message):
    retriever = build(corpus, tmp_path, fake)
    with pytest.raises(QueryError, match=message):
        retriever.search(query, k=k, mode=mode)


def test_unknown_doc_filter_is_a_clear_error(corpus, tmp_path, fake):
    with pytest.raises(QueryError, match="no such document"):
        build(corpus, tmp_path, fake).search("rates", doc_ids=["nope.txt"])


def test_query_without_known_words_still_answers_densely(corpus, tmp_path, fake):
    retriever = build(corpus, tmp_path, fake)
    assert retriever.search("zzzz qqqq", mode="bm25") == []
    assert retriever.search("?!", mode="hybrid")  # dense side always has neighbours


def test_empty_folder_is_a_clear_error_and_index_untouched(corpus, tmp_path, fake):
    build(corpus, tmp_path, fake)
    empty = tmp_path / "empty"
    empty.mkdir()
    formats = r"\.txt/\.text/\.md/\.story/\.html/\.htm/\.shtml/\.xhtml/\.json/\.xml/\.nitf/\.jsonl/\.ndjson"
    with pytest.raises(CorpusError, match=rf"no {formats} files"):
        build(empty, tmp_path, fake)
    assert len(Retriever.load(tmp_path / "index", embedder=fake).documents) == 3


def test_load_without_index_says_how_to_build_one(tmp_path, fake):
    with pytest.raises(IndexNotFoundError, match="rag index"):
        Retriever.load(tmp_path / "nothing", embedder=fake)


def test_other_model_is_refused_with_the_fix(corpus, tmp_path, fake):
    build(corpus, tmp_path, fake)
    with pytest.raises(IndexMismatchError, match="rebuild"):
        Retriever.load(tmp_path / "index", embedder=FakeEmbedder(name="other-model"))
    with pytest.raises(IndexMismatchError, match="fake-embedder"):
        Retriever.build(corpus, tmp_path / "index", embedder=FakeEmbedder(name="other-model"))
    rebuilt = Retriever.build(corpus, tmp_path / "index", embedder=FakeEmbedder(name="other-model"), rebuild=True)
    assert rebuilt.config.model == "other-model"


def test_same_name_but_other_dimension_is_refused(corpus, tmp_path, fake):
    build(corpus, tmp_path, fake)
    retriever = Retriever.load(tmp_path / "index", embedder=FakeEmbedder(dim=32))
    with pytest.raises(IndexMismatchError, match="64-dimensional"):
        retriever.search("rates", mode="dense")


def test_other_format_version_is_refused(corpus, tmp_path, fake):
    build(corpus, tmp_path, fake)
    folder = IndexStore(tmp_path / "index").current()
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["format_version"] = 999
    (folder / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(IndexMismatchError, match="--rebuild"):
        Retriever.load(tmp_path / "index", embedder=fake)


@pytest.mark.parametrize(
    "victim",
    [
        "chunks.faiss",
        "chunks.jsonl",
        "bm25_tokens.jsonl",
        "manifest.json",
        "chunks_ids.json",
        "documents.jsonl",
        "sentences.faiss",
        "sentences_ids.json",
    ],
)
@pytest.mark.parametrize("damage", ["truncate", "delete"])
def test_damaged_index_files_give_a_clear_error(corpus, tmp_path, fake, victim, damage):
    build(corpus, tmp_path, fake)
    path = IndexStore(tmp_path / "index").current() / victim
    if damage == "delete":
        path.unlink()
    else:
        path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])
    with pytest.raises((IndexCorruptError, IndexMismatchError), match="rebuild"):
        Retriever.load(tmp_path / "index", embedder=fake)


def test_a_failed_save_leaves_the_previous_index_intact(corpus, tmp_path, fake, monkeypatch):
    retriever = build(corpus, tmp_path, fake)
    before = results(retriever)
    (corpus / "delta.txt").write_text("Volcano erupts\n\nA volcano erupted on the island.\n")

    def disk_full(self, directory):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("rag.index.bm25.BM25Index.save", disk_full)
    with pytest.raises(OSError):
        build(corpus, tmp_path, fake)
    monkeypatch.undo()
    loaded = Retriever.load(tmp_path / "index", embedder=FakeEmbedder())
    assert "delta.txt" not in loaded.documents
    assert results(loaded) == before
    assert [p.name for p in (tmp_path / "index").iterdir() if ".tmp" in p.name] == []
    assert "delta.txt" in build(corpus, tmp_path, fake).documents  # the next run completes the work


def test_a_second_writer_is_turned_away(corpus, tmp_path, fake):
    import multiprocessing

    build(corpus, tmp_path, fake)
    ready, release = multiprocessing.Event(), multiprocessing.Event()
    holder = multiprocessing.Process(target=_hold_lock, args=(str(tmp_path / "index"), ready, release))
    holder.start()
    try:
        assert ready.wait(30)
        with pytest.raises(IndexBusyError, match="another process"):
            build(corpus, tmp_path, fake)
    finally:
        release.set()
        holder.join(30)


def _hold_lock(root, ready, release):
    with IndexStore(root).lock():
        ready.set()
        release.wait(30)


def test_old_generations_are_cleaned_up(corpus, tmp_path, fake):
    build(corpus, tmp_path, fake)
    (corpus / "delta.txt").write_text("Volcano erupts\n\nA volcano erupted on the island.\n")
    build(corpus, tmp_path, fake)
    names = sorted(p.name for p in (tmp_path / "index").iterdir())
    assert names == [".lock", "CURRENT", "gen-000002"]


def test_copied_index_folder_still_loads(corpus, tmp_path, fake):
    build(corpus, tmp_path, fake)
    shutil.copytree(tmp_path / "index", tmp_path / "copy")
    assert len(Retriever.load(tmp_path / "copy", embedder=fake).chunks) > 0


class InterruptingEmbedder(FakeEmbedder):
    """Stops (as Ctrl-C would) once it has embedded `limit` batches."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit
        self.calls = 0

    def embed(self, texts):
        self.calls += 1
        if self.calls > self.limit:
            raise KeyboardInterrupt
        return super().embed(texts)


def test_an_interrupted_build_resumes_without_reembedding_finished_documents(corpus, tmp_path, monkeypatch):
    monkeypatch.setattr("rag.sync.BATCH_DOCS", 1)
    monkeypatch.setattr("rag.search.retriever.CHECKPOINT_SECONDS", 0.0)
    with pytest.raises(KeyboardInterrupt):
        Retriever.build(corpus, tmp_path / "index", embedder=InterruptingEmbedder(limit=2))
    saved = Retriever.load(tmp_path / "index", embedder=FakeEmbedder())
    assert 1 <= len(saved.documents) < 3  # what was finished is on disk, loadable
    resumed = Retriever.build(corpus, tmp_path / "index", embedder=(fake := FakeEmbedder()))
    assert len(resumed.last_sync.unchanged) == len(saved.documents)
    assert sorted(resumed.last_sync.added) == sorted(set(ARTICLES) - set(saved.documents))
    fresh = Retriever.build(corpus, tmp_path / "fresh", embedder=(full := FakeEmbedder()))
    assert fake.embedded < full.embedded
    assert results(resumed) == results(fresh)


def test_an_index_is_plain_files_loadable_without_pickle(corpus, tmp_path, fake):
    import numpy as np

    build(corpus, tmp_path, fake)
    folder = IndexStore(tmp_path / "index").current()
    for path in folder.rglob("*"):
        if path.suffix == ".npy":
            array = np.load(path, allow_pickle=False)  # raises if anything in it needs pickle
            assert array.dtype != object
        elif path.suffix in (".json", ".jsonl"):
            for line in path.read_text(encoding="utf-8").splitlines():
                json.loads(line) if path.suffix == ".jsonl" else None
            if path.suffix == ".json":
                json.loads(path.read_text(encoding="utf-8"))
        else:
            assert path.suffix == ".faiss" or path.is_dir(), path


def test_incremental_bm25_scores_as_bm25s_does_after_adds_and_removes():
    import bm25s

    from rag.index.bm25 import BM25Index
    from rag.index.words import tokenize

    texts = [
        "The central bank kept interest rates unchanged at 4.5 percent.",
        "Economists had expected a cut in interest rates.",
        "Negotiators in Geneva failed to agree on a ceasefire.",
        "The mediator called the outcome disappointing but not final.",
        "Farmers brought pumpkins to the harvest festival.",
        "The mayor said attendance reached 40,000 visitors, a record.",
        "Rates and rates again: the bank's governor spoke of rates.",
    ]
    index = BM25Index()
    index.add(["a#0", "a#1"], ["a", "a"], texts[:2])
    index.add(["b#0", "b#1", "c#0"], ["b", "b", "c"], texts[2:5])
    index.add(["d#0", "e#0"], ["d", "e"], texts[5:])
    index.remove(["b"])
    kept = [t for i, t in enumerate(texts) if i not in (2, 3)]
    reference = bm25s.BM25()
    reference.index(tokenize(kept), show_progress=False)
    ids = ["a#0", "a#1", "c#0", "d#0", "e#0"]
    for query in ("interest rates", "rates bank governor", "harvest festival visitors", "ceasefire in Geneva"):
        terms = index.query_terms(query)
        expected = reference.get_scores(terms) if terms else np.zeros(len(ids))
        assert np.allclose(index.scores_of(query, ids), expected, atol=1e-5)
    assert index.search("ceasefire in Geneva", 5) == [] and not index.knows("ceasefir")
    assert index.doc_scores("interest rates", ["a", "b"]).tolist()[1] == 0.0


def test_the_stop_words_are_bm25s_english_ones():
    from bm25s.stopwords import STOPWORDS_EN

    from rag.index.words import STOPWORDS_EN as ours

    assert ours == frozenset(STOPWORDS_EN)
