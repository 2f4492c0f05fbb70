"""robots.txt for article pages, per RFC 9309: a 4xx means no rules (allow all); an
unreachable robots.txt (5xx, timeout, connection error) means "assume disallow" for now.
Fetched once per site per extract pass, through the same safe HTTP client."""

from __future__ import annotations

import threading
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

from newswatch.config import HttpSettings
from newswatch.ingest.http import FetchError, fetch

AGENT = "newswatch"


class RobotsCache:
    def __init__(self, settings: HttpSettings, contact: str) -> None:
        self._settings = settings
        self._contact = contact
        self._rules: dict[str, RobotFileParser | bool] = {}  # origin → parser, or allow/deny all
        self._lock = threading.Lock()

    def allowed(self, url: str) -> bool:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        with self._lock:  # one robots.txt fetch per site, even with parallel workers
            if origin not in self._rules:
                self._rules[origin] = self._load(origin)
        rules = self._rules[origin]
        return rules if isinstance(rules, bool) else rules.can_fetch(AGENT, url)

    def _load(self, origin: str) -> RobotFileParser | bool:
        try:
            response = fetch(f"{origin}/robots.txt", self._settings, self._contact)
        except FetchError as exc:
            return exc.error_class == "http_4xx"
        parser = RobotFileParser()
        parser.parse(response.body.decode("utf-8", errors="replace").splitlines())
        return parser
