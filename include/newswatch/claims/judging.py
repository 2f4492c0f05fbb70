"""One category for a new claim from the known statements retrieved for it: new, update,
contradicts, confirms or restates.

Each candidate is scored (`scoring`): P(match), P(same) = P(match) x P(agree), and verification's
`Change`. With `claims.new_threshold` (a probability of match) and `claims.same_threshold` (a
probability of the same proposition):

- no candidate matches (P(match) < new_threshold): **new**;
- a matching candidate says the same (P(same) >= same_threshold): **restates** when its speaker
  is the same or unknown, **confirms** (the first such known claim) when every one of them was
  said by another named source;
- else the nearest matching candidate whose facts changed: **contradicts** for a denial or an
  antonymous predicate, **update** for a number or a modality;
- a match with neither (too loose to be the same, no fact changed): **new**.

A known claim that agrees counts only when it matches about as well as the nearest one that
differs ("12 killed" known as "2" first, "12" later: the 12 restates).
"""

from __future__ import annotations

from collections.abc import Callable

from newswatch.claims.records import Claim
from newswatch.claims.scoring import Score, Side, same_source, score
from newswatch.claims.verification import CONFIRMS, CONTRADICTS, NEW, RESTATES, UPDATE, Verdict, facts
from newswatch.config import ClaimSettings

AGREE_SLACK = 0.1  # an agreeing known claim this much less likely a match than a differing one still wins

SpeakerJudge = Callable[[str | None, str | None], bool | None]


def _side(known) -> Side:
    return Side(known.sentence, known.language, known.speaker, known.facts)


def judge(claim: Claim, candidates: list[tuple[float, object]], settings: ClaimSettings,
          speakers_alike: SpeakerJudge = same_source) -> Verdict:
    """The category of a new claim given the known statements most like it: (cosine, Known)
    pairs, any order. Verdict.similarity is the chosen candidate's P(match), Verdict.same its
    P(same)."""
    if not candidates:
        return Verdict(NEW)
    mine = Side(claim.sentence, claim.language, claim.speaker, facts(claim.sentence, claim.language))
    scored: list[tuple[Score, object, bool | None]] = []
    for cosine, known in candidates:
        alike = speakers_alike(known.speaker, claim.speaker)
        scored.append((score(cosine, _side(known), mine, alike), known, alike))
    best = max(scored, key=lambda s: s[0].match)
    matching = [s for s in scored if s[0].match >= settings.new_threshold]
    if not matching:
        return _verdict(NEW, best, matched=False)
    agreeing = [s for s in matching if s[0].same >= settings.same_threshold]
    differing = [s for s in matching if s[0].same < settings.same_threshold and s[0].change.conflicts]
    if agreeing and differing:
        top = max(s[0].match for s in differing)
        agreeing = [s for s in agreeing if s[0].match >= top - AGREE_SLACK]
    if agreeing:
        alike = [s for s in agreeing if s[2] is not False]
        if alike:
            return _verdict(RESTATES, max(alike, key=lambda s: s[0].same))
        # every agreeing statement was another source's: it confirms the first of them
        first = min(agreeing, key=lambda s: (s[1].seen is None, s[1].seen or 0, -s[0].same))
        return _verdict(CONFIRMS, first)
    if differing:
        nearest = max(differing, key=lambda s: s[0].match)
        return _verdict(CONTRADICTS if nearest[0].change.contradicts else UPDATE, nearest)
    return _verdict(NEW, best, matched=False)


def _verdict(category: str, scored: tuple[Score, object, bool | None], matched: bool = True) -> Verdict:
    s, known, _ = scored
    return Verdict(category, s.match, known, s.change if matched else Verdict(NEW).change, same=s.same)


__all__ = ["AGREE_SLACK", "CONFIRMS", "CONTRADICTS", "NEW", "RESTATES", "UPDATE", "judge"]
