"""Separate article text from page boilerplate without rewriting anything.

News pages scraped to text carry the site around the article: sponsor lines, newsletter
boxes, share buttons, image credits, repeated captions, comment and "latest edition" footers.
The rules below recognise those by their shape, not by the words of particular files, and
work line by line. Nothing is rewritten: the result is the list of spans of the original
text that are article text (`segments`), plus the spans removed and why (`removed`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

from ..types import Span

# A month's name or abbreviation, capitalised: questions and sentences match it as written ("may"
# is a verb), date lines match it ignoring case.
MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?"
)
# A day of the week, capitalised.
WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
# A whole date: "Aug 27, 2025", "26 August 2025", "2025-08-27", "20-08-2025"
FULL_DATE = (
    rf"(?:{MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+{MONTH},?\s+\d{{4}}"
    r"|\d{4}-\d{2}-\d{2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{4})"
)


def _line(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


# The marker before each summary line of a CNN / Daily Mail story file ("@highlight", a blank line, the
# line): the summary is the story's, written for the summarisation sets these files come from, and
# not indexed (`clean`).
HIGHLIGHT = re.compile(r"^@highlight$", re.IGNORECASE)
HIGHLIGHT_REASON = "story highlight"  # what `Cleaned.removed` calls such a line (metadata reads it)
_MASTHEAD_LINKS = r"(?:order reprints|today[’']s paper|subscribe)"  # "Order Reprints | Today’s Paper | Subscribe"
_SOCIAL = r"(?:twitter|x|facebook|instagram|threads|bluesky|linkedin|tiktok)"

# Whole lines that are page furniture, whatever site they come from.
DROP_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "sponsor",
        _line(
            r"^(?:sponsor(?:ed)?(?: by| content)?\s*:|sponsored(?: content)?$|advertisement$"
            r"|paid (?:post|content)$|promoted(?: content)?$|supported by$"
            r"|(?:story continues below )?advertisement(?:\s*[-–—:]\s*(?:scroll|continue)[\w ]{0,30})?$)"
        ),
    ),
    ("newsletter", _line(r"\b(?:sign(?:ing)? up|subscribe|register)\b.{0,80}\b(?:newsletters?|inbox|briefings?)\b")),
    ("newsletter", _line(r"\bdelivered (?:straight |directly |right )?to your inbox\b")),
    (
        "consent",
        _line(
            r"^by (?:continuing|signing up|subscribing|clicking|registering|submitting|entering)\b"
            r".{0,160}\b(?:agree|accept|consent)"
        ),
    ),
    (
        "button",
        _line(
            r"^(?:e-?mail us|e-?mail to a friend|contact us|print|save"
            r"|share(?: this| full)?(?: article| story| on \w+)?"
            r"|read (?:more|next)|follow us(?: on \w+)?|subscribe(?: now)?|sign (?:in|up)|log ?in"
            r"|listen(?: to this article)?|menu|image|photo|video|advertisement|skip to (?:main )?content"
            r"|continue reading(?: the main story)?|send any friend a story|gift this article|like this"
            r"|loading|click here\b.{0,60}|click to share on .{1,40}|subscribe to our .{1,40}"
            r"|listen to this article\W+\d+ min(?:utes)?|\d+ min(?:ute)? read|comments? \(\d+\))\W*$"
        ),
    ),
    (
        "image credit",
        _line(
            r"^(?:photo(?:graph)?s?|images?|pictures?|illustrations?|credits?|video)"
            r"(?:\s+credits?)?\s*(?::|\.\.+|…)\s*\S.{0,120}$"
        ),
    ),
    (
        "image credit",
        _line(r"^\(?(?:AP|AFP|Reuters|Getty Images|EPA|Bloomberg|Shutterstock)(?: Photo)?(?:\s*/\s*[^)\n]{1,60})?\)?$"),
    ),
    ("image credit", _line(r"^\(?photo(?:graph)? by [^.,;]{1,60}\)?$")),
    ("credit", _line(r"^(?:(?:additional )?(?:reporting|writing|editing) by|additional reporting from)\b.{0,200}$")),
    ("related link", _line(r"^(?:related|watch|see also|see more on|more|read more|listen)\s*:\s*\S.{0,150}$")),
    # The print line under a newspaper's web article: "A version of this article appears in print on ..."
    ("print edition", _line(r"^a version of this (?:article|story|review|essay|column|obituary) appears in print\b")),
    ("button", _line(rf"^{_MASTHEAD_LINKS}(?:\s*\|\s*{_MASTHEAD_LINKS})+$")),
    ("button", _line(r"^back to top\W*$")),
    # "Follow The New York Times Opinion section on Facebook, Twitter (@NYTopinion) and Instagram."
    ("social", _line(rf"^follow\b.{{0,80}}\bon {_SOCIAL}\b.{{0,120}}$")),
    # CNN's topic links, in title case and unpunctuated: "All About Barack Obama • U.S. Presidential Election"
    ("related link", re.compile(r"^All About [A-Z].{0,120}(?<![.!?”\"])$")),
    ("date line", _line(rf"^(?:published|updated|posted)\b(?=.{{0,80}}$)(?=.*(?:{FULL_DATE}|\d:\d\d))")),
    ("copyright", _line(r"^(?:©|\(c\)|copyright\b)")),
    ("metadata field", _line(r"^(?:url|link|permalink|tags|keywords|categories|category|section)\s*:")),
    ("editorial markup", _line(r"^\[[^\]\n]{0,40}\]$")),
    ("editorial markup", HIGHLIGHT),
    ("editorial markup", _line(r"^story highlights$")),
    ("date line", _line(rf"^[\W_]*{FULL_DATE}[\W_]*$")),
    ("navigation", re.compile(r"^[a-z]+$")),  # a lone lower-case word: "back", "topic"
    ("navigation", _line(r"^[|•·>»]")),
    ("no words", _line(r"^[^A-Za-z\u00C0-\u024F\u0370-\u03FF\u0400-\u04FF\u0590-\u06FF\u4E00-\u9FFF]*$")),
)

# A marker after which the rest of the page is footer: comments, "latest edition", related links.
FOOTER = _line(
    r"^(?:\d+\s+)?(?:comments?|post a comment|leave a comment|view comments|show comments"
    r"|latest edition|related(?: articles| stories| coverage)?|more from .{1,40}|recommended(?: for you)?"
    r"|you may also like|most (?:read|popular|viewed)|trending(?: now)?|read next)\W*$"
)
# Trailing image credits glued to a caption ("... Zelensky. Credit: Tom Brenner/For the Post").
CREDIT_SUFFIX = re.compile(
    r"(?<=[.!?”\"')\]\w])\s*(?P<credit>(?:Credit|Photograph|Photo|Image|Picture)s?\s*(?::|\.\.+|…)\s*[^.!?]{1,100})$"
)
# Prefixes that label a line rather than belong to it: scraper image labels, Markdown headings,
# the field names of a dataset's header ("Title: ...", "Author: ...", "Date: ..."), the "LEAD:"
# of newspaper archives' full text, whose lead paragraph then comes again as the body's first (the
# second copy goes as a duplicate line), and the byline and times that the Daily Mail's story files
# glue, dot by dot, to their first paragraph ("By . Jane Roe . PUBLISHED: . 12:25 EST, 3 March 2014
# . | . UPDATED: . 13:10 EST, 3 March 2014 . A woman who ...").
DOTTED = r"[ \t]+\.[ \t]+"  # what parts the Mail's glued fields: " . "
LABEL_REASON = "label"  # what `Cleaned.removed` calls a cut prefix (metadata reads the Mail's)
_MAIL_TIMES = rf"(?:(?:PUBLISHED|UPDATED):{DOTTED}|Last updated at )[^|]{{1,60}}?{DOTTED}(?:\|{DOTTED})?"
# A name in it may hold initials ("Jane E. Roe"), a second one follows after "and" ("By . A . and B . ").
_MAIL_NAME = r"(?:[^|.]|(?<=\S)\.){1,120}?"
_MAIL_BY = rf"By{DOTTED}{_MAIL_NAME}{DOTTED}(?:and[ \t]+{_MAIL_NAME}{DOTTED})?"
LABEL_PREFIX = re.compile(
    r"^(?:(?:next\s*)?(?:img|image|photo)\s*:\s*|#{1,6}\s+"
    rf"|(?-i:(?:{_MAIL_BY})?(?:{_MAIL_TIMES})+|{_MAIL_BY})"
    r"|(?:title|headline|author|authors|byline|date|dateline|published|updated)\s*:\s*"  # a scraper's header fields
    r"|LEAD:\s*)",
    re.IGNORECASE,
)
# Newsletter boxes: a sign-up line, then a few lines of pitch, then the consent line.
NEWSLETTER_BOX_LINES = 6
# Hard-wrapped text (`wrap_width`): at least WRAP_MIN_LINES lines of WRAP_MIN_WORDS words or more,
# nearly all of them at most WRAP_MAX characters long, and WRAP_FULL of the line pairs of a
# paragraph full (the next word would not have fitted on the first line).
WRAP_MIN_WORDS, WRAP_MIN_LINES, WRAP_MAX, WRAP_FULL = 5, 5, 100, 0.8
# A footer marker only counts in the last part of the page, so an article that says "Comments"
# early on is not cut short.
FOOTER_FROM = 0.5


@dataclass(frozen=True)
class Line:
    """One non-blank line: the span of its content with surrounding whitespace stripped."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Cleaned:
    """Article text as spans of the original, and what was removed with the rule that removed it."""

    segments: tuple[Span, ...]
    removed: tuple[tuple[Span, str], ...]


def split_lines(text: str) -> list[Line]:
    """Non-blank lines with exact offsets; `text[line.start:line.end] == line.text`."""
    lines = []
    pos = 0
    for raw in text.splitlines(keepends=True):
        content = raw.strip()
        if content:
            start = pos + (len(raw) - len(raw.lstrip()))
            lines.append(Line(start, start + len(content), content))
        pos += len(raw)
    return lines


def drop_reason(text: str) -> str | None:
    """The name of the first rule that marks this whole line as boilerplate, or None."""
    if len(text) > 400:  # long lines are prose; boilerplate is short
        return None
    for name, pattern in DROP_RULES:
        if pattern.search(text):
            return name
    return None


def _trim(line: Line) -> tuple[Line, list[tuple[Span, str]]]:
    """Cut a label prefix and a glued image credit off a line; return the rest and what was cut."""
    cut: list[tuple[Span, str]] = []
    start, end, text = line.start, line.end, line.text
    prefix = LABEL_PREFIX.match(text)
    if prefix and prefix.end() < len(text):
        cut.append(((start, start + prefix.end()), LABEL_REASON))
        start += prefix.end()
        text = text[prefix.end() :]
    credit = CREDIT_SUFFIX.search(text)
    if credit and credit.start() > 0:
        cut.append(((start + credit.start("credit"), end), "image credit"))
        end = start + credit.start()
        text = text[: credit.start()]
    return Line(start, end, text), cut


def _normalise(text: str) -> str:
    return " ".join(text.split()).casefold()


def clean(text: str) -> Cleaned:
    """Split `text` into article segments and removed boilerplate.

    >>> c = clean("Title\\nSponsor: ACME\\nBody text here.\\nBody text here.\\nComments")
    >>> [("Title\\nSponsor: ACME\\nBody text here.\\nBody text here.\\nComments")[s:e] for s, e in c.segments]
    ['Title', 'Body text here.']
    >>> [reason for _, reason in c.removed]
    ['sponsor', 'duplicate', 'footer']
    """
    lines = join_wrapped(text, split_lines(text))
    segments: list[Span] = []
    removed: list[tuple[Span, str]] = []
    seen: set[str] = set()
    box_left = 0  # lines still inside a newsletter box
    for i, line in enumerate(lines):
        if line.start >= FOOTER_FROM * len(text) and FOOTER.match(line.text):
            removed.extend(((rest.start, rest.end), "footer") for rest in lines[i:])
            break
        if i and HIGHLIGHT.match(lines[i - 1].text) and not HIGHLIGHT.match(line.text):
            # A story file's summary line: each of its facts is in the story, said there with its
            # source; indexed, each line was a passage of its own that came first for questions
            # about the story without holding the passage that answers.
            removed.append(((line.start, line.end), HIGHLIGHT_REASON))
            continue
        reason = drop_reason(line.text)
        if reason == "newsletter":
            box_left = NEWSLETTER_BOX_LINES
        elif box_left:
            box_left -= 1
            if reason == "consent":
                box_left = 0
            elif reason is None and any(drop_reason(t.text) == "consent" for t in lines[i + 1 : i + 1 + box_left]):
                reason = "newsletter box"
        if reason:
            removed.append(((line.start, line.end), reason))
            continue
        kept, cut = _trim(line)
        relabelled = drop_reason(kept.text) if cut else None
        if relabelled:  # "Date: 27 August 2025": a date line once its label is off
            removed.append(((line.start, line.end), relabelled))
            continue
        removed.extend(cut)
        key = _normalise(kept.text)
        if key in seen:
            removed.append(((kept.start, kept.end), "duplicate"))
            continue
        seen.add(key)
        segments.append((kept.start, kept.end))
    return Cleaned(tuple(segments), tuple(sorted(removed)))


def wrap_width(text: str, lines: list[Line]) -> int | None:
    """The width a hard-wrapped text (paragraphs broken into lines of at most ~72 characters, as in
    mail, wire copy and text archives) is wrapped at, or None when it is not wrapped. Wrapping puts
    as many words on a line as fit: a line followed by another line of its paragraph (one line
    break between them) would overflow the width with the next word. Text whose paragraphs are each
    one line rarely shows that for most of its line pairs, and its lines run longer.

    >>> text = "Title\\n\\n" + "\\n".join(["Prose runs on and on across a line"] * 6) + "\\n\\nNext."
    >>> wrap_width(text, split_lines(text))
    34
    >>> text = "A short paragraph of one line.\\nAnother, a little longer than the first.\\nAnd a third one.\\n"
    >>> wrap_width(text * 3, split_lines(text * 3)) is None
    True
    """
    prose = [len(line.text) for line in lines if len(line.text.split()) >= WRAP_MIN_WORDS]
    if len(prose) < WRAP_MIN_LINES or sum(n > WRAP_MAX for n in prose) > len(prose) // 20:
        return None
    width = max(n for n in prose if n <= WRAP_MAX)
    pairs = [
        _overflows(before, line, width)
        for before, line in pairwise(lines)
        if text.count("\n", before.end, line.start) == 1 and len(before.text) <= width
    ]
    return width if len(pairs) >= WRAP_MIN_LINES and sum(pairs) >= WRAP_FULL * len(pairs) else None


def join_wrapped(text: str, lines: list[Line]) -> list[Line]:
    """In a hard-wrapped text (`wrap_width`), each paragraph's lines as one line, so that the rules
    read a wrapped sponsor line whole and sentences are not cut at the ends of lines: a line joins
    the one before it when only one line break separates them and the one before is full (a short
    line ends its paragraph, or is a headline or byline). Lines of text that is not wrapped stay.

    >>> text = "Title\\n\\n" + "\\n".join(["Prose runs on and on across a line"] * 6) + "\\n\\nNext."
    >>> [line.text.count("\\n") for line in join_wrapped(text, split_lines(text))]
    [0, 5, 0]
    """
    width = wrap_width(text, lines)
    if width is None:
        return lines
    joined = lines[:1]
    for before, line in pairwise(lines):
        marker = HIGHLIGHT.match(before.text) or HIGHLIGHT.match(line.text)  # a story file's, on a line of its own
        if not marker and text.count("\n", before.end, line.start) == 1 and _overflows(before, line, width):
            start = joined[-1].start
            joined[-1] = Line(start, line.end, text[start : line.end])
        else:
            joined.append(line)
    return joined


def _overflows(before: Line, line: Line, width: int) -> bool:
    """Whether `line`'s first word would have overflowed `width` at the end of `before`: what a
    wrapped paragraph's lines do (a line is as full as the next word allows)."""
    return len(before.text) + 1 + len(line.text.split()[0]) > width
