"""Dates written for readers, in Hindi and English: "20 नवंबर 2026, 10:30 AM IST",
"२० नवम्बर २०२६", "November 20, 2026". Text is normalised first (Devanagari digits to ASCII,
nukta folded), so one pattern covers the spellings outlets use."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import regex

from newswatch.text.normalize import normalize_text

IST = timezone(timedelta(hours=5, minutes=30))
# The one month table (claims' concept fingerprints read it too): full names, Hindi and English.
MONTHS = {
    "जनवरी": 1, "फरवरी": 2, "मार्च": 3, "अप्रैल": 4, "अप्रेल": 4, "मई": 5, "जून": 6, "जुलाई": 7,
    "अगस्त": 8, "सितंबर": 9, "सितम्बर": 9, "अक्टूबर": 10, "अक्तूबर": 10, "नवंबर": 11, "नवम्बर": 11,
    "दिसंबर": 12, "दिसम्बर": 12,
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
    "september": 9, "october": 10, "november": 11, "december": 12,
}
MONTH_ABBREVIATIONS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10,
    "nov": 11, "dec": 12,
}
_MONTHS = MONTHS | MONTH_ABBREVIATIONS  # a date's "Nov 20, 2026" is sure of its month
_MONTH = "|".join(sorted(map(regex.escape, _MONTHS), key=len, reverse=True))
_ZONES = {"ist": IST, "gmt": timezone.utc, "utc": timezone.utc, "kst": timezone(timedelta(hours=9)),
          "jst": timezone(timedelta(hours=9)), "msk": timezone(timedelta(hours=3)),
          "cet": timezone(timedelta(hours=1)), "est": timezone(timedelta(hours=-5)),
          "edt": timezone(timedelta(hours=-4)), "pst": timezone(timedelta(hours=-8))}
_TIME = (r"(?:\s*[,\-–|·]?\s*(?:at\s+)?(?P<h>\d{1,2})[:.](?P<m>\d{2})\s*(?P<ampm>am|pm|बजे)?)?"
         r"\s*(?P<tz>" + "|".join(_ZONES) + r")?(?![\p{L}])")
_DAY_MONTH_YEAR = regex.compile(
    rf"(?<![\p{{L}}\p{{N}}])(?P<d>\d{{1,2}})\s+(?P<mon>{_MONTH})\.?\s*,?\s*(?P<y>(?:19|20)\d\d)(?![\p{{N}}]){_TIME}")
_MONTH_DAY_YEAR = regex.compile(
    rf"(?<![\p{{L}}])(?P<mon>{_MONTH})\.?\s+(?P<d>\d{{1,2}}),?\s+(?P<y>(?:19|20)\d\d)(?![\p{{N}}]){_TIME}")


def find_dates(text: str, default_tz: timezone = IST) -> list[datetime]:
    """Every date written out in `text`, in order of appearance, as aware datetimes."""
    return [value for _, value in find_dates_in(normalize_text(text), default_tz)]


def find_dates_in(norm: str, default_tz: timezone = IST) -> list[tuple[int, datetime]]:
    """(position, date) in already normalised text, so callers can read what precedes a date."""
    found: list[tuple[int, datetime]] = []
    for pattern in (_DAY_MONTH_YEAR, _MONTH_DAY_YEAR):
        for match in pattern.finditer(norm):
            value = _to_datetime(match, default_tz)
            if value is not None:
                found.append((match.start(), value))
    return sorted(found, key=lambda item: item[0])


def _to_datetime(match: regex.Match[str], default_tz: timezone) -> datetime | None:
    try:
        day = date(int(match["y"]), _MONTHS[match["mon"]], int(match["d"]))
    except (ValueError, KeyError):
        return None
    hour, minute = int(match["h"] or 0), int(match["m"] or 0)
    if match["ampm"] == "pm" and hour < 12:
        hour += 12
    elif match["ampm"] == "am" and hour == 12:
        hour = 0
    if hour > 23 or minute > 59:
        hour = minute = 0
    tz = _ZONES.get(match["tz"] or "", default_tz)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz)
