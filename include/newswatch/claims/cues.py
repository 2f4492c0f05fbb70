"""Cues that make a sentence a claim (Hindi and English), the lines that are never claims, and
finding the cue of a sentence that really attributes."""

from __future__ import annotations

import regex

from newswatch.claims.folding import _NOT_LETTER_AFTER, _NOT_LETTER_BEFORE, _Span, _words

# After कहा / बताया: the reported content follows (कि, a quote, a colon or comma) or the sentence
# ends; "मदद करने को कहा" (asked to) inside a longer sentence is not a cue on its own.
_HI_AUX = r"(?:\s+(?:भी|ही))?(?:\s+(?:था|थी|थे|है|हैं|गया|गई|गए|जाता|जा\s+रहा))*(?:\s+(?:है|हैं|था|थी|थे))?"
_HI_FOLLOW = r"(?=\s*[,:–—-]?\s*(?:कि" + _NOT_LETTER_AFTER + r"|[\"“”'‘’]|[।॥|.!?]|$))"
HI_CUES: list[tuple[str, str]] = [
    ("के अनुसार", _words("के अनुसार", "की मानें तो", "के मुताबिक", "के मुताबिक़")),
    ("के हवाले से", _words("के हवाले से")),
    ("दावा", _words("दावा", "दावे", "दावों")),
    ("कहा", r"(?:कहा|कहती|कहते|कहना)" + _HI_AUX + _HI_FOLLOW),
    ("बताया", r"(?:बताया|बताती|बताते|बताना)" + _HI_AUX + _HI_FOLLOW),
    ("आरोप", _words("आरोप", "आरोपों")),
    ("चेतावनी", _words("चेतावनी", "चेताया")),
    ("मानना है", _words("मानना है", "मानना था", "माना जा रहा", "मानते हैं", "मानती है")),
    ("आशंका", _words("आशंका", "आशंकाएं", "अंदेशा")),
    ("इनकार", _words("इनकार", "इंकार", "खंडन")),
    ("पुष्टि", _words("पुष्टि")),
    ("अपील", _words("अपील")),
    ("धमकी", _words("धमकी", "धमकियां", "धमकियों")),
    ("बयान", _words("बयान में", "बयान के")),
    ("जानकारी दी", _words("जानकारी दी", "जानकारी है कि")),
    ("संकेत", _words("संकेत मिलता", "संकेत दिया", "संकेत दिए")),
    ("खबर है", _words("खबर आई है कि", "खबर है कि", "खबरें हैं कि", "खबरें आई हैं कि")),
]
EN_CUES: list[tuple[str, str]] = [
    ("according to", _words("according to", "as per", "citing")),
    ("said", _words("said", "says", "say")),
    ("told", _words("told", "tells")),
    ("claimed", _words("claimed", "claims", "claim that", "claiming")),
    ("alleged", _words("alleged", "alleges", "alleging", "accused", "accuses")),
    ("warned", _words("warned", "warns", "warning that")),
    ("stated", _words("stated", "states that", "statement")),
    ("reported", _words("reported", "reports that")),
    ("believes", _words("believes", "believe", "believed")),
    ("denied", _words("denied", "denies")),
    ("added", _words("added")),
    ("announced", _words("announced", "announces")),
    ("confirmed", _words("confirmed", "confirms")),
    ("insisted", _words("insisted", "insists")),
    ("estimated", _words("estimated", "estimates")),
    ("noted", _words("noted", "argued", "asserted", "acknowledged", "admitted", "cautioned")),
]


def _compile_cues(cues: list[tuple[str, str]]) -> regex.Pattern[str]:
    body = "|".join(f"(?P<c{i}>{pattern})" for i, (_, pattern) in enumerate(cues))
    return regex.compile(_NOT_LETTER_BEFORE + f"(?:{body})" + _NOT_LETTER_AFTER)


_CUE_RE = {"hi": _compile_cues(HI_CUES), "en": _compile_cues(EN_CUES)}
_CUE_NAMES = {"hi": [name for name, _ in HI_CUES], "en": [name for name, _ in EN_CUES]}

# Lines that are never claims: read-more links, follow/subscribe boxes, bylines, datelines.
_BOILERPLATE = regex.compile(
    r"^\s*(?:" + _words("ये भी पढ़ें", "यह भी पढ़ें", "ये भी पढ़े", "इसे भी पढ़ें", "और पढ़ें", "फॉलो करें",
                         "सब्सक्राइब", "read more", "also read", "subscribe", "follow us", "click here",
                         "date updated", "updated", "advertisement", "विज्ञापन", "share") + r")"
    + _NOT_LETTER_AFTER, regex.I)
_HEADING_MAX_WORDS = 12


def _is_heading(paragraph: str, sentences: list[str]) -> bool:
    """A line of one short unpunctuated sentence: a title or crosshead, which restates the body."""
    return (len(sentences) == 1 and paragraph.rstrip()[-1:] not in "।॥|.?!\"”’'"
            and len(paragraph.split()) <= _HEADING_MAX_WORDS)


_EN_NEGATION = regex.compile(r"(?:\b(?:not|never|neither|nor|no|nobody|none)\b|n't)(?:\s+\w+){0,3}\s*$")


def _find_cue(folded: str, language: str) -> tuple[str, _Span] | None:
    """The first cue of the sentence that really attributes: not negated ("has not confirmed",
    "पुष्टि नहीं की"), and a bare कहा/बताया at the sentence's end only after quoted words. A
    noun cue gives way to a verb after it: "In a statement, the agency said" names the agency."""
    found: tuple[str, _Span] | None = None
    for match in _CUE_RE[language].finditer(folded):
        name = next(n for i, n in enumerate(_CUE_NAMES[language]) if match.group(f"c{i}") is not None)
        before, after = folded[:match.start()], folded[match.end():]
        if language == "en" and name != "according to" and _EN_NEGATION.search(before):
            continue
        if language == "hi" and regex.match(r"\s*(?:\p{L}+\s+)?नहीं" + _NOT_LETTER_AFTER, after) \
                and name not in ("के अनुसार", "के हवाले से", "इनकार"):
            continue
        if language == "hi" and name in ("कहा", "बताया") and not regex.search(r"[\p{L}\p{N}]", after) \
                and not regex.search(r"[\"“”'‘’]", before):
            continue  # "पुतिन ने किम को रॉकेट्स के बारे में विस्तार से बताया।": telling, no claim
        if language == "en" and name == "stated" and folded[match.start():match.end()] == "statement":
            found = found or (name, _Span(match.start(), match.end()))
            continue
        return name, _Span(match.start(), match.end())
    return found
