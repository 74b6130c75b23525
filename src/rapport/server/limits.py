"""Sign-in failures are limited per user name and per client address (SPEC §10): after
`attempts` failures within `window` seconds, further attempts are refused until the oldest
failure leaves the window; the refusal says when to retry (HTTP 429, Retry-After)."""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque


class SignInLimiter:
    def __init__(self, *, attempts: int = 5, window: float = 900.0) -> None:
        self.attempts = attempts
        self.window = window
        self._failures: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _keys(self, user: str, address: str) -> tuple[str, str]:
        return f"user:{user.strip().lower()}", f"address:{address}"

    def retry_after(self, user: str, address: str) -> int:
        """Seconds until another attempt is allowed (0: allowed now)."""
        now = time.monotonic()
        wait = 0.0
        with self._lock:
            for key in self._keys(user, address):
                failures = self._failures[key]
                while failures and now - failures[0] > self.window:
                    failures.popleft()
                if len(failures) >= self.attempts:
                    wait = max(wait, self.window - (now - failures[0]))
        return int(wait) + 1 if wait else 0

    def failed(self, user: str, address: str) -> None:
        now = time.monotonic()
        with self._lock:
            for key in self._keys(user, address):
                self._failures[key].append(now)

    def succeeded(self, user: str) -> None:
        with self._lock:
            self._failures.pop(self._keys(user, "")[0], None)
