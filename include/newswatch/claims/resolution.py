"""Who a pronoun or a short reference means: the last *compatible* speaker named before it. A
speaker is a person, an organisation or a group (plural) by the last title, organisation or group
word of its phrase ("रूसी विदेश मंत्रालय की प्रवक्ता मारिया ज़खारोवा" is a person, "South Korea's
foreign ministry" an organisation, "US officials" a group); he/she take a person, it an
organisation, they a group or an organisation, उन्होंने a person or a group."""

from __future__ import annotations

from dataclasses import dataclass, field

import regex

from newswatch.claims.cues import cue_language
from newswatch.claims.folding import fold
from newswatch.claims.lexicon import lexicon
from newswatch.claims.speakers import Found

_COMPATIBLE = {
    "person": {"person", "unknown"},
    "organisation": {"organisation"},
    "plural": {"plural", "organisation"},
    "singular": {"person", "organisation", "unknown"},
    "person_or_plural": {"person", "plural", "unknown"},
    "any": {"person", "organisation", "plural", "unknown"},
}
class _ObjectOf:
    """Whether a reference's word stands in a mention as a modifier, not its head: "शोध" in "इस
    शोध को लीड करने वाले …", "मंत्रालय" in "मंत्रालय की प्रवक्ता …" (a postposition follows it)."""

    _AFTER = r"\s+(?:को|से|में|पर|का|की|के|ने)(?![\p{L}\p{M}])"

    def search(self, text: str, head: str) -> bool:
        return bool(regex.search(r"(?<![\p{L}\p{M}])" + regex.escape(fold(head)) + self._AFTER, text))


_OBJECT_OF = _ObjectOf()
_AND = regex.compile(r"(?<![\p{L}\p{M}])(?:and|और|व|एवं)(?![\p{L}\p{M}])")


def speaker_kind(text: str, language: str) -> str:
    """person | organisation | plural | unknown (a bare name: person-compatible)."""
    sp = lexicon(cue_language(language)).speakers
    folded = fold(text)
    if _AND.search(folded):
        return "plural"
    kind, last = "unknown", -1
    for pattern, k in ((sp.person_titles, "person"), (sp.organisation, "organisation"), (sp.group, "plural")):
        for m in pattern.finditer(folded):
            if m.end() > last:
                kind, last = k, m.end()
    return kind


@dataclass
class SpeakerHistory:
    """The speakers and sources named so far in an article, newest last."""

    entries: list[tuple[str, frozenset[str], str]] = field(default_factory=list)  # text, folded words, kind

    def add(self, text: str | None, language: str) -> None:
        if text:
            self.entries.append((text, frozenset(fold(text).split()), speaker_kind(text, language)))

    def add_mention(self, text: str | None, language: str) -> None:
        """A source named in passing in a claim sentence ("… said Congressman Anthony Weiner"'s
        other names): a later short reference may point at it, a pronoun never does."""
        if text:
            self.entries.append((text, frozenset(fold(text).split()), "mention"))

    def add_anonymous(self, kind: str) -> None:
        """An unnamed source ("एक अधिकारी", "students"): a pronoun after it means nobody named."""
        self.entries.append(("", frozenset(), kind))

    def pronoun(self, kind: str) -> str | None:
        """The newest compatible speaker; with none compatible, the newest of all (a Hindi
        उन्होंने for a ministry happens), except for "it" which never means a person."""
        wanted = _COMPATIBLE.get(kind, _COMPATIBLE["any"])
        for text, _, k in reversed(self.entries):
            if k in wanted:
                return text or None
        if kind != "organisation" and self.entries:
            return self.entries[-1][0] or None
        return None

    def reference(self, head: str) -> str | None:
        """The newest full mention holding every word of a short reference ("ministry" → "South
        Korea's foreign ministry"), longer than the reference itself."""
        words = set(fold(head).split())
        for k in range(len(self.entries) - 1, -1, -1):
            text, folded_words, _ = self.entries[k]
            if text and words <= {w.removesuffix("'s").removesuffix("’s") for w in folded_words} \
                    and len(folded_words) > len(words) and not _OBJECT_OF.search(fold(text), head):
                # the last mention of that source: "Trump" after "President Trump" is the same one
                later = [t for t, fw, _ in self.entries[k + 1:] if t and fw and fw < folded_words]
                return later[-1] if later else text
        return None

    def resolve(self, found: Found) -> str | None:
        """The speaker a `Found` names, with pronouns and short references resolved."""
        if found.reference:
            resolved = self.reference(found.reference)
            if resolved:
                return resolved
            # "the agency" after "South Korea's National Intelligence Service", "the report" after the
            # institute that published it, "the congressman" after "Representative Anthony D. Weiner":
            # the last source of its kind (an organisation, else a bare name; a person)
            english = found.reference.isascii()
            kind = speaker_kind(found.reference, "en" if english else "hi")
            for wanted in () if (found.text and not english) else (("organisation", "unknown") if kind == "organisation" else ("person", "unknown")):
                resolved = next((t for t, _, k in reversed(self.entries) if k == wanted and t), None)
                if resolved:
                    return resolved
        if found.pronoun:
            return self.pronoun(found.pronoun)
        if found.anonymous and not found.text:
            self.add_anonymous(found.anonymous)
        return found.text
