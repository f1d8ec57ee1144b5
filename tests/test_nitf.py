"""Stories saved as NITF XML (agencies' feeds, newspaper archives) are read with their named parts."""

import os

import pytest
from fakes import FakeEmbedder

from rag import Assistant, Retriever
from rag.ingest.readers import load_documents

# As The New York Times Annotated Corpus keeps a story: a DTD named by URL (never fetched), the
# lead twice (a block of its own, and the full text's first paragraph, labelled "LEAD:").
STORY = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE nitf SYSTEM "http://www.nitf.org/IPTC/NITF/3.3/specification/dtd/nitf-3-3.dtd">
<nitf version="-//IPTC//DTD NITF 3.3//EN">
  <head>
    <title>Pataki Signs a Late Budget</title>
    <docdata><doc-id id-string="1815721"/><date.release norm="20061231T000000"/></docdata>
    <pubdata date.publication="20070101T000000" name="The New York Times" item-length="90" unit-of-measure="word"/>
  </head>
  <body>
    <body.head>
      <hedline><hl1>Pataki Signs a Late Budget, Ending a Long Standoff</hl1></hedline>
      <byline class="print_byline">By DANNY HAKIM and Jane Roe</byline>
      <byline class="normalized_byline">Hakim, Danny</byline>
      <abstract><p>Governor signs $112 billion budget.</p></abstract>
    </body.head>
    <body.content>
      <block class="lead_paragraph">
        <p>LEAD: Gov. George E. Pataki signed a $112 billion state budget on Sunday, ending a standoff.</p>
      </block>
      <block class="full_text">
        <p>LEAD: Gov. George E. Pataki signed a $112 billion state budget on Sunday, ending a standoff.</p>
        <p>The budget, which was 125 days late, includes new school aid, the <em>governor's</em> office said.</p>
      </block>
    </body.content>
  </body>
</nitf>
"""


def test_an_nitf_story_is_read_with_its_headline_byline_outlet_date_and_text_once(tmp_path):
    (tmp_path / "1815721.xml").write_text(STORY, encoding="utf-8")
    (docs,), skipped = load_documents([tmp_path])
    assert not skipped
    assert docs.title == "Pataki Signs a Late Budget, Ending a Long Standoff"
    assert docs.authors == ("Danny Hakim", "Jane Roe")
    assert (docs.outlet, docs.date) == ("The New York Times", "2007-01-01")
    kept = [docs.text[s:e] for s, e in docs.segments]
    assert kept[0].startswith("Gov. George E. Pataki signed")  # the label goes, the lead is kept once
    assert sum("signed a $112 billion" in k for k in kept) == 1
    assert kept[-1] == "The budget, which was 125 days late, includes new school aid, the governor's office said."
    assert "Governor signs" not in docs.text  # the abstract is the archive's summary, not the story


def test_namespaced_and_blockless_stories_are_read(tmp_path):
    (tmp_path / "a.nitf").write_text(
        '<nitf xmlns="http://iptc.org/std/NITF/2006-10-18/"><head><docdata><date.issue norm="2024-03-05"/>'
        "</docdata></head><body><body.content><p>Rain fell on the capital for a third day.</p>"
        "<p>Rivers rose by two metres.</p></body.content></body></nitf>"
    )
    (doc,), _ = load_documents([tmp_path / "a.nitf"])
    assert doc.text == "Rain fell on the capital for a third day.\n\nRivers rose by two metres."
    assert doc.date == "2024-03-05" and doc.authors == ()


def test_xml_that_is_no_story_is_skipped_with_a_one_line_reason_and_nothing_is_fetched_or_expanded(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET-42")
    tmp_path = tmp_path / "articles"
    tmp_path.mkdir()
    (tmp_path / "feed.xml").write_text('<?xml version="1.0"?><rss version="2.0"><channel/></rss>')
    (tmp_path / "broken.xml").write_text("<nitf><body><p>cut off")
    (tmp_path / "empty.xml").write_text("<nitf><head><title>Only a title</title></head><body/></nitf>")
    (tmp_path / "entity.xml").write_text(
        f'<?xml version="1.0"?><!DOCTYPE nitf [<!ENTITY secret SYSTEM "{secret.as_uri()}">]>'
        "<nitf><body><body.content><p>The value is &secret; in this story about the harbour.</p>"
        "</body.content></body></nitf>"
    )
    docs, skipped = load_documents([tmp_path])
    reasons = {os.path.basename(s.path): s.reason for s in skipped}
    assert reasons["feed.xml"] == "XML whose root is <rss>, not an NITF story <nitf>"
    assert reasons["broken.xml"].startswith("not well-formed XML (")
    assert reasons["empty.xml"] == "an NITF story with no paragraphs of text in its body"
    assert all("\n" not in reason for reason in reasons.values())
    (story,) = docs  # an external entity stays unexpanded: no file is read into the index
    assert story.doc_id == "entity.xml" and "TOPSECRET" not in story.text


def test_an_index_of_nitf_stories_cites_their_text_exactly(tmp_path):
    folder = tmp_path / "archive"
    folder.mkdir()
    (folder / "1815721.xml").write_text(STORY, encoding="utf-8")
    (folder / "other.txt").write_text("Ferry news\n\nThe ferry left the harbour on time on Monday.\n")
    Retriever.build(folder, tmp_path / "index", embedder=FakeEmbedder())
    loaded = Retriever.load(tmp_path / "index", embedder=FakeEmbedder())
    answer = Assistant(loaded).ask("How many days late was the budget?")
    assert "125 days" in answer.text and answer.citations[0].doc_id == "1815721.xml"
    for citation in answer.citations:
        assert loaded.documents[citation.doc_id].text[citation.start : citation.end] == citation.quote


def story_of(body: str, head: str = "") -> str:
    return f"<nitf><head>{head}</head><body><body.content>{body}</body.content></body></nitf>"


def read(tmp_path, xml: str):
    (tmp_path / "s.xml").write_text(xml)
    (doc,), _ = load_documents([tmp_path / "s.xml"])
    return doc


def test_every_paragraph_is_read_once_in_or_out_of_blocks_and_asides_are_left_out(tmp_path):
    body = (
        "<p>First.</p><bq><block><p>Quoted.</p></block></bq><p>Line one<br/>line two.</p>"
        "<p>Outer start <p>inner part.</p> outer end.</p><block><p>In a block.</p><block><p>Deeper.</p></block></block>"
        "<media><media-caption><p>A caption.</p></media-caption></media><ul><li>A listed point.</li></ul><p>After.</p>"
    )
    doc = read(tmp_path, story_of(body))
    assert doc.text.split("\n\n") == [
        "First.",
        "Quoted.",
        "Line one line two.",
        "Outer start inner part. outer end.",
        "In a block.",
        "Deeper.",
        "A listed point.",
        "After.",
    ]
    nested = "<p>" * 200 + "x " * 5000 + "</p>" * 200  # nested paragraphs: the text once, not 200 times
    assert len(read(tmp_path, story_of(nested)).text) < 10_001


@pytest.mark.parametrize(
    ("bylines", "authors"),
    [
        ('<byline class="print_byline">By JANE ROE, Associated Press Writer</byline>', ("Jane Roe",)),
        ('<byline class="print_byline">By JOHN KIFNER; Special to The New York Times</byline>', ("John Kifner",)),
        ('<byline class="print_byline">By DANNY HAKIM AND JANE ROE</byline>', ("Danny Hakim", "Jane Roe")),
        ("<byline>By <person>Tom Baker</person>, <byttl>Agency Writer</byttl></byline>", ("Tom Baker",)),
        ("<byline><person>Jane Roe</person><byttl>Staff Writer</byttl></byline>", ("Jane Roe",)),
        ('<byline class="normalized_byline">Kifner, John</byline>', ("John Kifner",)),
    ],
)
def test_bylines_give_the_names_and_not_the_titles(tmp_path, bylines, authors):
    xml = f"<nitf><body><body.head>{bylines}</body.head><body.content><p>A story.</p></body.content></body></nitf>"
    assert read(tmp_path, xml).authors == authors


def test_a_date_that_is_no_date_is_none_and_a_story_in_a_newsml_package_is_read(tmp_path):
    head = '<pubdata date.publication="99999999T000000"/><docdata><date.issue norm="20240305"/></docdata>'
    assert read(tmp_path, story_of("<p>A story.</p>", head)).date == "2024-03-05"
    package = "<NewsML><NewsItem><ContentItem><DataContent>" + story_of("<p>Packed.</p>") + "</DataContent>"
    assert read(tmp_path, package + "</ContentItem></NewsItem></NewsML>").text == "Packed."
