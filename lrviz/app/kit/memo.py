"""A memo bounded by the bytes it keeps, for results whose size varies a hundredfold.

``functools.lru_cache`` bounds the number of entries. The playground's chart payloads run from
0.1 MB (a 1-D surface, 50 steps) to 2.8 MB (a 2-D one, 2,000 steps): a count small enough for a
long session of 2-D runs (memory) is too small for a hall whose students try a few dozen 1-D
settings (each miss is a rebuild). Bounding the bytes serves both.
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import Future


def bytes_lru(max_bytes: int) -> Callable[[Callable[..., bytes]], Callable[..., bytes]]:
    """Memoise a function returning ``bytes`` (positional, hashable arguments), keeping the most
    recently used results while their total length is at most ``max_bytes``. A result larger than
    the whole budget, or empty, is returned and not kept. Thread-safe, and a result is built once:
    a thread asking for one another thread is building waits for it (in a hall, a release's rerun
    and the chart's fetch of the same runs arrive together); a build that raises raises in both."""

    def decorate(fn: Callable[..., bytes]) -> Callable[..., bytes]:
        kept: OrderedDict[Hashable, bytes] = OrderedDict()
        building: dict[Hashable, Future[bytes]] = {}
        lock = threading.Lock()
        total = 0

        def keep(args: Hashable, value: bytes) -> None:
            nonlocal total
            if 0 < len(value) <= max_bytes and args not in kept:  # an empty one would cost nothing
                kept[args] = value
                total += len(value)
                while total > max_bytes:
                    _, dropped = kept.popitem(last=False)
                    total -= len(dropped)

        @functools.wraps(fn)
        def memo(*args: Hashable) -> bytes:
            with lock:
                if (value := kept.get(args)) is not None:
                    kept.move_to_end(args)
                    return value
                if (built := building.get(args)) is None:
                    built = building[args] = Future()
                    mine = True
                else:
                    mine = False
            if not mine:
                return built.result()
            try:
                value = fn(*args)
            except BaseException as error:
                with lock:
                    del building[args]
                built.set_exception(error)
                raise
            with lock:
                del building[args]
                keep(args, value)
            built.set_result(value)
            return value

        def cache_clear() -> None:
            nonlocal total
            with lock:
                kept.clear()
                total = 0

        def cache_bytes() -> tuple[int, int]:
            """(entries, bytes) kept now."""
            with lock:
                return len(kept), total

        memo.cache_clear = cache_clear
        memo.cache_bytes = cache_bytes
        return memo

    return decorate
