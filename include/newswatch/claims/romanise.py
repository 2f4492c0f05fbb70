"""Consonant skeletons, so a name or a loanword meets itself across scripts: "पुतिन" and "Putin"
both read "ptn", "मिसाइल" and "missile" "msl", "प्योंगयांग" and "Pyongyang" "pyngyng".

Vowels carry little across a transliteration (Hindi writes short and long vowels that English
spells many ways), so both sides keep their consonants only, aspiration folded (ph/फ → f is the
exception: English writes it so), doubles collapsed. Input is a normalised token (textnorm:
NFC, nukta folded, case-folded); no transliteration package is needed for this.
"""

from __future__ import annotations

from functools import lru_cache

_DEVA = {
    "क": "k", "ख": "k", "ग": "g", "घ": "g", "ङ": "n", "च": "c", "छ": "c", "ज": "j", "झ": "j", "ञ": "n",
    "ट": "t", "ठ": "t", "ड": "d", "ढ": "d", "ण": "n", "त": "t", "थ": "t", "द": "d", "ध": "d", "न": "n",
    "प": "p", "फ": "f", "ब": "b", "भ": "b", "म": "m", "य": "y", "र": "r", "ल": "l", "व": "v", "श": "s",
    "ष": "s", "स": "s", "ह": "h", "ं": "n", "ँ": "n", "ॅ": "", "ॉ": "",
}
# digraphs first (th → t, sh → s, ch → c), then single letters; vowels drop
_LATIN_DIGRAPHS = (("ch", "c"), ("sh", "s"), ("ph", "f"), ("th", "t"), ("kh", "k"), ("gh", "g"),
                   ("dh", "d"), ("bh", "b"), ("jh", "j"), ("ck", "k"), ("ts", "c"), ("tz", "c"))
_LATIN = {"c": "k", "q": "k", "w": "v", "z": "j", "x": "ks"}
_VOWELS = set("aeiou")


def _collapse(letters: str) -> str:
    out: list[str] = []
    for ch in letters:
        if not out or out[-1] != ch:
            out.append(ch)
    return "".join(out)


@lru_cache(maxsize=65536)
def skeleton(token: str) -> str:
    """The consonant skeleton of one normalised token ("" for a word with no consonants)."""
    if any("\u0900" <= ch <= "\u097f" for ch in token):
        letters = "".join(_DEVA.get(ch, "") for ch in token)
        # an anusvara before a labial is heard as m (ट्रंप: Trump)
        letters = letters.replace("np", "mp").replace("nb", "mb")
        return _trim(_collapse(letters))
    word = token.lower()
    for digraph, single in _LATIN_DIGRAPHS:
        word = word.replace(digraph, "\x00" if single == "c" else single)
    letters = "".join(_LATIN.get(ch, ch) for ch in word if ch.isascii() and ch.isalpha() and ch not in _VOWELS
                      or ch == "\x00")
    letters = letters.replace("\x00", "c")
    if word.endswith("w") and letters.endswith("v"):  # Moscow: मास्को
        letters = letters[:-1]
    return _trim(_collapse(letters))


def _trim(letters: str) -> str:
    """A y at either end is a glide one script writes and the other not (यूक्रेन: Ukraine,
    कोरिया: Korea, Sergey: सर्गेई)."""
    if len(letters) > 2 and letters.startswith("y"):
        letters = letters[1:]
    if len(letters) > 1 and letters.endswith("y"):
        letters = letters[:-1]
    return letters
