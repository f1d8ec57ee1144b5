"""The figures a sentence may hold, as regular expressions: numbers, amounts, measures with their
units, ages, scores, dates, times of day and durations. `rag.answer.question` reads with them what
kind of thing a sentence holds; the short answers (`span_types`, `span_features`) mark candidate
spans with them.
"""

from __future__ import annotations

import re

from ..ingest.cleaning import MONTH, WEEKDAY

NUMBER_WORDS = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty"
    r"|sixty|seventy|eighty|ninety|hundreds?|thousands?|millions?|billions?|trillions?|dozens?|half"
)
UNIT = r"(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?|decades?)"

# "one" and "half" are left out of numbers: "one conversation" does not say how many.
NUMBER = re.compile(rf"\d|\b(?:{NUMBER_WORDS.replace('one|', '').replace('|half', '')})\b", re.IGNORECASE)
# A year from 1000 to 2099, a decade ("the 1740s") or a range ("1754–1763", "1621 to 1629"); a century.
YEAR = r"\b(?:1\d|20)\d\d(?:s|\s*(?:–|-|to)\s*\d{2,4})?\b"
CENTURY = r"\b\d{1,2}(?:st|nd|rd|th)(?:\s+and\s+\d{1,2}(?:st|nd|rd|th))?\s+centur(?:y|ies)\b"
# A century in words ("the eighteenth century"), and a time named from now ("this month", "next year").
WORD_CENTURY = (
    r"\b(?i:(?:twenty-)?(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth"
    r"|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth)[\s-]+centur(?:y|ies))\b"
)
RELATIVE = r"\b(?i:yesterday|(?:last|this|next)\s+(?:week|month|year|spring|summer|autumn|winter))\b"
# A time of day or of a match: "at 4 a.m.", "shortly before midnight", "in the 63rd minute".
CLOCK = (
    r"\b\d{1,2}(?::\d{2})?\s*(?:[ap]\.m\.|(?i:[ap]m)\b)|\b(?:noon|midnight|halftime|half-time)\b"
    r"|\b\d{1,3}(?:st|nd|rd|th)\s+minute\b"
)
# What answers "At what time ...?": a time of day, in figures or in words.
TIME_OF_DAY = re.compile(
    rf"{CLOCK}|\b(?:night|morning|afternoon|evening|dawn|dusk|daybreak|overnight)\b|\b(?i:early|late)\s+{WEEKDAY}\b"
)
DATE = re.compile(rf"\b{MONTH}(?:\s+\d{{1,2}})?\b|{YEAR}|{CENTURY}|{WORD_CENTURY}|\b{WEEKDAY}\b|{RELATIVE}|{CLOCK}")
DURATION = re.compile(
    rf"\b(?:\d+|a|an|{NUMBER_WORDS})[\s-]+(?:{UNIT})\b|\b(?:end of the year|overnight|within|until)\b", re.IGNORECASE
)
# A measure: a number and its unit ("28 kilometers", "about 300 million kilometers", "58 kilometers
# per second", "between 0.5 and 5.6 kilometers").
MEASURE_UNIT = (
    r"(?:(?:square|cubic)\s+)?(?:kilomet(?:er|re)s?|km/h|km|miles?|met(?:er|re)s?|centimet(?:er|re)s?"
    r"|millimet(?:er|re)s?|cm|mm|feet|foot|ft|inch(?:es)?|yards?|acres?|hectares?|tons?|tonnes?|kilograms?|kg"
    r"|grams?|pounds?(?= of)|lbs?"
    r"|ounces?|degrees?|mph|knots?|light-years?|lit(?:er|re)s?|gallons?)"
)
# A figure read whole (possessive, from its first digit: a long run of digits is not tried at every one).
_FIGURE_SIZE = r"(?<![\d,.])\d[\d,.]*+(?:\s+(?:hundred|thousand|million|billion))?"
MEASURE = re.compile(
    rf"(?:\bbetween\s+)?(?:{_FIGURE_SIZE}\s*(?:and|to|-|–)\s*)?{_FIGURE_SIZE}(?:\s*|-){MEASURE_UNIT}\b"
    rf"(?:\s+(?:per|an|a)\s+(?:second|minute|hour|day|year))?|\b(?:{NUMBER_WORDS})[\s-]+{MEASURE_UNIT}\b",
    re.IGNORECASE,
)
# An age: "Ms. Alvarez, 52, said", "her mother, 79, could", "a 52-year-old man", "34 years old",
# "aged 84", "dies at 84", "was 25 when he was arrested", "At 33, he ...".
AGE = re.compile(
    r"[A-Za-z.’'],\s+(?:now\s+|then\s+)?\d{1,3}(?=\s*(?:[,;)]|\.(?!\d)|$))"
    r"|\b\d{1,3}[\s-]years?[\s-]old\b|\b(?i:aged?)\s+\d{1,3}\b(?![\d,.])"
    r"|\b(?i:dies|died|dead|death)\s+at\s+(?:the\s+age\s+of\s+)?\d{1,3}\b|\b(?i:at the age of)\s+\d{1,3}\b"
    r"|\b(?:was|is|turned|turns)\s+\d{1,3}(?:\s+(?:when|at|as|before|after)\b|(?=[,;]|\.(?!\d)))"
    r"|^(?i:at)\s+\d{1,3},"
    r"|,\s+(?:now|then)\s+\d{1,3}\s+and\b"
)
# A score or a vote: "5-4", "2-2", "74-25", "5-to-4", "3–1".
SCORE = re.compile(r"(?<![\d.,\-–])\d{1,3}\s?(?:-to-|-|–)\d{1,3}(?![\d.,]?\d)")

AMOUNT = re.compile(
    r"[$€£]\s?\d|(?<![\d,.])\d[\d,.]*+\s*(?:%|percent|million|billion|trillion|thousand)|\b(?:dollars|euros|pounds)\b",
    re.IGNORECASE,
)
