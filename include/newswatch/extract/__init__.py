"""Article pages: fetched, read (metadata, byline, paywall, body) and matched to the gazetteer."""
