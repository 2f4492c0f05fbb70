"""Feeds in: the safe HTTP client, robots.txt, feed parsing, relevance and feed health."""
