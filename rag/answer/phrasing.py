"""How a question is phrased, before what it asks for is read (question.py): the question proper
inside what was typed, and whether a few words of a sentence can answer it at all.

People type more than the question: an opening ("So, how many ...?", "According to the Post, how
long ...?"), a remark before it ("I read about the attack. How many drones were there?"), a request
around it ("Can you tell me how many ...", "I want to know when ..."). The rules that read a
question's first words ("how many", "when", "who is X", "what did X say") read the question proper.
A yes/no question ("Did Putin agree to meet Zelensky?") or a request for an account ("Tell me about
the summit") is answered by the quote as a whole: no phrase of it is the answer.
"""

from __future__ import annotations

import re

__all__ = ["question_proper", "wants_words"]

WH = r"(?:who|whom|whose|what|which|when|where|why|how)"
AUXILIARY = r"(?:is|are|was|were|am|do|does|did|has|have|had|can|could|will|would|shall|should|may|might|must)"
# An auxiliary as a yes/no question opens with it, negated or not ("Didn't", "Can't", "Won't").
ASKING_AUX = rf"(?:{AUXILIARY}(?:n[’']t)?|can[’']t|won[’']t|shan[’']t|ain[’']t)"

# An opening set off by commas or a colon: "So, how many ...?", "According to the Post, how long
# ...?", "Back to the summit: what ...?"; not "When X, what ...?" nor "Is Zelensky, who met Trump,
# still there?", whose opening is the question itself.
OPENING = re.compile(
    rf"^(?!(?:{WH}|{ASKING_AUX})\b)(?:[^,:;?\s][^,:;?]{{0,79}}[,:;]\s+)+?(?=(?:{WH}|{ASKING_AUX})\b)", re.IGNORECASE
)
# A word that joins the question to the conversation: "And did ...?", "So what ...?".
JOINING = re.compile(rf"^(?:and|but|so|also|then|ok|okay|well|now)\s+(?=(?:{WH}|{ASKING_AUX})\b)", re.IGNORECASE)
# A question asked inside a request: "Can you tell me how many ...", "I want to know when ...".
LEAD_IN = re.compile(
    rf"^(?:(?:please|so|ok|okay|well)\b[,\s]+)*(?:(?:can|could|would|will) you (?:please )?(?:tell|show) (?:me|us)"
    rf"|do you know|does anyone know|i(?:[’']d| would) like to know|i want(?:ed)? to know|i wonder"
    rf"|(?:please )?tell (?:me|us))\s+(?={WH}\b)",
    re.IGNORECASE,
)
# An embedded "who X is" asks what "who is X" does.
EMBEDDED_DEFINITION = re.compile(r"^(?P<wh>who|what)\s+(?P<subject>.+?)\s+(?P<verb>is|was|are|were)\s*[?.]?$", re.I)
# "Who's", "what're", "whats": the wh-word and its verb, as the rules read them.
CONTRACTED = re.compile(rf"\b({WH})(?:[’']s|s)\b", re.IGNORECASE)
CONTRACTED_ARE = re.compile(rf"\b({WH})[’']re\b", re.IGNORECASE)
# The question after a remark: a capitalised wh-word or auxiliary after the end of a sentence, not
# after an initialism's full stop ("at 9 a.m. when ...", "in the U.S. when ...").
LAST_QUESTION = re.compile(
    rf"(?:^|(?<!\.[A-Za-z])[.!?]\s+)((?=(?-i:[A-Z]))(?:{WH}|{ASKING_AUX})\b[^.!?]*\?)\s*$", re.IGNORECASE
)


def question_proper(text: str) -> str:
    """The question itself, without an opening, a remark before it or a request around it, its
    wh-word's contraction read in full: what the rules that read a question's first words are
    applied to.

    >>> question_proper("So, how many drones hit Ukraine?"), question_proper("And did Putin agree?")
    ('how many drones hit Ukraine?', 'did Putin agree?')
    >>> question_proper("I read about a drone attack. How many drones were there?")
    'How many drones were there?'
    >>> question_proper("According to the Post, how long ago did the war start?")
    'how long ago did the war start?'
    >>> question_proper("Can you tell me how many drones hit Ukraine?")
    'how many drones hit Ukraine?'
    >>> question_proper("Do you know who Tom Graham is?")
    'who is Tom Graham?'
    >>> question_proper("Who's Tom Graham?"), question_proper("whats the deal?")
    ('Who is Tom Graham?', 'what is the deal?')
    >>> question_proper("When Japan got its oil, what happened?"), question_proper("What did Mr. Trump say?")
    ('When Japan got its oil, what happened?', 'What did Mr. Trump say?')
    >>> question_proper("What happened at 9 a.m. when the drones hit?")
    'What happened at 9 a.m. when the drones hit?'
    """
    text = " ".join(text.split())
    text = CONTRACTED_ARE.sub(r"\1 are", CONTRACTED.sub(r"\1 is", text))
    last = LAST_QUESTION.search(text)
    if last and last.start(1) > 0:
        text = last.group(1)
    opening = OPENING.match(text)
    if opening:
        text = text[opening.end() :]
    text = JOINING.sub("", text, count=1)
    lead_in = LEAD_IN.match(text)
    if not lead_in:
        return text
    embedded = text[lead_in.end() :]
    definition = EMBEDDED_DEFINITION.match(embedded)
    if definition:
        return f"{definition['wh']} {definition['verb']} {definition['subject']}?"
    return embedded


# A yes/no question opens with an auxiliary ("Did Putin agree ...?"), unless it is a slip for a
# wh-word, two auxiliaries in a row in lower case ("Was was the plan ...?"; not "Is May ...?").
YES_NO = re.compile(rf"^{ASKING_AUX}\s", re.IGNORECASE)
SLIP = re.compile(AUXILIARY + r"(?:n[’']t)?\b")
# A request for an account: "Tell me (more) about ...", "Explain ...", "What can you tell me about ...".
ACCOUNT = re.compile(
    r"^(?:please\s+)?(?:(?:can|could) you\s+)?(?:tell (?:me|us) (?:more |everything |something |anything )?about"
    r"|talk about|describe|explain|summari[sz]e|give (?:me |us )?(?:an overview|a summary|(?:the |some )?background)"
    r"|what (?:can|could) you tell (?:me|us) about|what do you know about)\b",
    re.IGNORECASE,
)
# A question that asks who, what, when ... wherever the wh-word stands ("Did Trump say when they
# would meet?"), or whether there are any (which are what answers it: "Are there any regions where ...?").
ASKING = re.compile(rf"\b{WH}\b|^(?:is|are|was|were)\s+there\b", re.IGNORECASE)
# "What did X say?" with nothing after the verb: what X said is the quote itself.
BARE_SPEECH = re.compile(
    r"^what\s+(?:did|does|has|had)\s+\S.*?\s+(?:say|said|tell|told|write|wrote|claim|argue)\s*[?.]?$", re.IGNORECASE
)
# A choice offered: "Is it easier or harder ...?" (one of its words answers), not "... or not?".
CHOICE = re.compile(r"\bor\b(?!\s+not\b)", re.IGNORECASE)


def wants_words(question: str) -> bool:
    """Whether some words of a sentence can answer `question` on their own (a short answer), rather
    than the quoted sentence as a whole: not for a yes/no question ("Did Putin agree to meet
    Zelensky?": the sentence says whether) unless it offers a choice ("Is it easier or harder
    ...?"), asks who, what, when ... inside ("Did Trump say when they would meet?"; a relative
    pronoun counts too, as it cannot be told apart without a parser) or whether there are any
    ("Are there any regions where ...?"); nor for a request for an account ("Tell me about the
    summit") or for "What did X say?" with nothing after the verb, whose answer is the quote.

    >>> wants_words("Did Putin agree to meet Zelensky?"), wants_words("Is it easier or harder to change?")
    (False, True)
    >>> wants_words("Tell me about the drone attack."), wants_words("Did Trump say when they would meet?")
    (False, True)
    >>> wants_words("Was was the plan for the mission?"), wants_words("Name the company that was hit.")
    (True, True)
    >>> wants_words("Were there any?"), wants_words("Did they meet or not?")
    (True, False)
    >>> wants_words("What did Ushakov say?"), wants_words("What did Ushakov say about the call?")
    (False, True)
    """
    text = question_proper(question)
    if ACCOUNT.match(text) or BARE_SPEECH.match(text):
        return False
    yes_no = YES_NO.match(text)
    if not yes_no or SLIP.match(text[yes_no.end() :]):
        return True
    return bool(ASKING.search(text) or CHOICE.search(text))
