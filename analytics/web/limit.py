"""A token bucket per client address for POST /events, in memory only: the address is never stored or logged."""

import threading
import time
from collections import OrderedDict


class PerClientLimit:
    def __init__(self, per_minute: int, max_clients: int = 10_000):
        self.capacity, self.rate, self.max_clients = float(per_minute), per_minute / 60.0, max_clients
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # client -> (tokens, last seen)
        self._lock = threading.Lock()

    def take(self, client: str) -> float:
        """0 when the request may go ahead, else the seconds until a token is back; per_minute 0 = no limit."""
        if not self.rate:
            return 0.0
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.pop(client, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - last) * self.rate)
            wait = 0.0 if tokens >= 1 else (1 - tokens) / self.rate
            self._buckets[client] = (tokens - 1 if wait == 0 else tokens, now)
            if len(self._buckets) > self.max_clients:
                self._buckets.popitem(last=False)  # forget the longest-idle client
        return wait
