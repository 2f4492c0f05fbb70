"""One category for a new claim from the known statements retrieved for it: new, update,
contradicts, confirms or restates.

Each candidate is scored (`scoring`): P(match), P(same) = P(match) x P(agree), and verification's
`Change`. With `claims.new_threshold` (a probability of match) and `claims.same_threshold` (a
probability of the same proposition):

- no candidate matches (P(match) < new_threshold): **new**;
- a matching candidate says the same (P(same) >= same_threshold): **restates** when its speaker
  is the same or unknown, **confirms** (the first such known claim) when every one of them was
  said by another named source;
- a changed number or a denial word on a tight match (below) never says the same, whatever its
  P(same);
- else the nearest matching candidate whose facts changed, when the match is tight (P(match) >=
  TIGHT_MATCH, or the wording within a language nearly the same, closeness >= TIGHT_WORDING):
  **contradicts** for a denial or an antonymous predicate, **update** for a number or a
  modality. Across Hindi and English a bare "not"/"नहीं" is no contradiction (it is often
  another clause's, and a translation moves it): a denial word or an antonym is needed;
- a match with neither (too loose to be the same, or a changed fact on a loose match: two
  claims of one topic that differ are more likely two claims than one claim changed): **new**.

A known claim that agrees counts only when it matches about as well as the nearest one that
differs ("12 killed" known as "2" first, "12" later: the 12 restates).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from newswatch.claims.records import Claim
from newswatch.claims.scoring import NO_BACKGROUND, Background, Score, Side, same_source, score
from newswatch.claims.verification import CONFIRMS, CONTRADICTS, NEW, RESTATES, UPDATE, Verdict, facts
from newswatch.config import ClaimSettings

AGREE_SLACK = 0.1  # an agreeing known claim this much less likely a match than a differing one still wins
TIGHT_MATCH = 0.6  # P(match) an update or a contradiction needs (tune split: true changes 0.83+ mostly) ...
TIGHT_WORDING = 0.5  # ... or this closeness of the wording within a language (a denial's speaker differs)

SpeakerJudge = Callable[[str | None, str | None], bool | None]


def _side(known) -> Side:
    return Side(known.sentence, known.language, known.speaker, known.facts)


def judge(claim: Claim, candidates: list[tuple[float, object]], settings: ClaimSettings,
          speakers_alike: SpeakerJudge = same_source, background: Background = NO_BACKGROUND) -> Verdict:
    """The category of a new claim given the known statements most like it: (cosine, Known)
    pairs, any order (`background`: the topic's own names, scoring.background_of).
    Verdict.similarity is the chosen candidate's P(match), Verdict.same its P(same)."""
    if not candidates:
        return Verdict(NEW)
    mine = Side(claim.sentence, claim.language, claim.speaker, facts(claim.sentence, claim.language))
    scored: list[tuple[Score, object, bool | None]] = []
    for cosine, known in candidates:
        alike = speakers_alike(known.speaker, claim.speaker)
        scored.append((score(cosine, _side(known), mine, alike, background=background), known, alike))
    best = max(scored, key=lambda s: s[0].match)
    matching = [s for s in scored if s[0].match >= settings.new_threshold]
    if not matching:
        return _verdict(NEW, best, matched=False)
    agrees = {id(s): s[0].same >= settings.same_threshold and not _dominates(s[0]) for s in matching}
    agreeing = [s for s in matching if agrees[id(s)]]
    differing = [s for s in matching if not agrees[id(s)] and _changed(s[0])]
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
        return _verdict(CONTRADICTS if _contradicts(nearest[0]) else UPDATE, nearest)
    return _verdict(NEW, best, matched=False)


def _changed(s: Score) -> bool:
    """A fact changed on a match tight enough to say so (see the module's note)."""
    change = s.change
    if s.across and change.polarity and not change.denial:
        change = replace(change, polarity=None)
    if not change.conflicts:
        return False
    return s.match >= TIGHT_MATCH or (not s.across and s.close >= TIGHT_WORDING)


def _dominates(s: Score) -> bool:
    """A changed number or a denial word on a tight match is never a restatement, whatever
    P(agree) the fitted weights give it (they give it little: see scoring.json)."""
    return bool(s.change.numbers or s.change.denial) and _changed(s)


def _contradicts(s: Score) -> bool:
    return bool(s.change.predicates) or bool(s.change.polarity) and (s.change.denial or not s.across)


def _verdict(category: str, scored: tuple[Score, object, bool | None], matched: bool = True) -> Verdict:
    s, known, _ = scored
    return Verdict(category, s.match, known, s.change if matched else Verdict(NEW).change, same=s.same)


__all__ = ["AGREE_SLACK", "TIGHT_MATCH", "TIGHT_WORDING", "CONFIRMS", "CONTRADICTS", "NEW", "RESTATES", "UPDATE", "judge"]
