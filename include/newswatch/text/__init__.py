"""Normalising strings before anything compares them: text (NFC, nukta fold), charsets, dates, language, URLs, field limits."""
