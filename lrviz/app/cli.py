"""``lrviz``: serve the app with the settings a class needs (``lrviz --port 8501 --lang ko``).

The app's files (``app.py``, ``pages/``, ``assets/``, ``.streamlit/config.toml``) live beside the
``lrviz`` package in a checkout, not inside it, so this command needs an install that points at a
checkout: ``pip install -e .`` (what ``make run`` does) or the container in ``deploy/``. A plain
``pip install .`` / wheel carries the library only; the command then says so and stops.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from lrviz.i18n import LANGS

ROOT = Path(__file__).resolve().parents[2]
LANG_ENV = "LRVIZ_LANG"  # the language of a link that does not say (lrviz.app.kit.lang)
# glibc gives a thread that allocates under contention a malloc arena of its own (up to 8 per
# core), and Streamlit runs every script run in a new thread: freed sweeps end up spread over many
# arenas that each keep their free pages, and a server's memory only grows. Two arenas: `python -m
# bench memory` grew 166 MB in 400 reruns with glibc's default, 101 MB with two. glibc reads this
# at start, so every way of starting the server sets it (this command, make run, the container,
# the benches); setting it from inside a running server (mallopt) measured no better than nothing.
# A fixed mmap threshold (128 kB): glibc otherwise raises it after each large free, so the sweeps'
# arrays come to live in the heap, which fragments and is never given back; at 128 kB each large
# array is its own mapping, returned when freed (500 random reruns: 326 -> 390-475 MB without,
# 249 -> 335-363 MB with).
SERVER_ENV = {"MALLOC_ARENA_MAX": "2", "MALLOC_MMAP_THRESHOLD_": "131072"}


def streamlit_args(port: int, host: str, script: Path = ROOT / "app.py") -> list[str]:
    """``streamlit run`` with the public-deployment settings; .streamlit/config.toml has the rest.
    (The benches serve their reference pages, ``script``, the same way.)"""
    return ["streamlit", "run", str(script),
            "--server.port", str(port), "--server.address", host,
            "--server.headless", "true",
            "--server.fileWatcherType", "none",  # nobody edits the sources of a served class
            "--browser.gatherUsageStats", "false"]


def send_at_once() -> None:
    """Make the server send each message as soon as it is written (``TCP_NODELAY``).

    Streamlit (1.67, on uvicorn) binds its listening socket without naming the protocol, so the
    sockets it accepts report protocol 0 and asyncio, which turns Nagle's algorithm off only for
    sockets that say TCP, leaves it on. A script run writes several small messages; from the
    second on, each waited for the browser to acknowledge the first, which Linux delays by 40 ms:
    every rerun of every page took 40 ms longer than its work. Accepted sockets inherit the option
    from the listener, so it is set there. Call before Streamlit starts its server; a Streamlit
    without the function this wraps is left as it is."""
    import socket

    from streamlit.web.server.starlette import starlette_server as server

    bind = getattr(server, "_bind_socket", None)
    if bind is None:
        logging.getLogger(__name__).warning("this Streamlit binds its socket elsewhere: Nagle's algorithm "
                                            "may delay its messages (lrviz.app.cli.send_at_once)")
        return
    if getattr(bind, "sends_at_once", False):
        return

    def bind_without_delay(*args, **kwargs) -> socket.socket:
        sock = bind(*args, **kwargs)
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock

    bind_without_delay.sends_at_once = True
    bind_without_delay.__wrapped__ = bind
    server._bind_socket = bind_without_delay


def run_streamlit(args: list[str]) -> int:
    """Streamlit's command line (``streamlit`` + ``args``) in this process, sending at once
    (:func:`send_at_once`): how this command, the benches and the browser tests serve a page."""
    from streamlit.web import cli

    send_at_once()
    sys.argv = ["streamlit", *args]
    return cli.main()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="lrviz", description="Serve lrviz: what the learning rate does.")
    parser.add_argument("--port", type=int, default=8501)
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (0.0.0.0: every interface, for a class on the network)")
    parser.add_argument("--lang", choices=LANGS, default=None,
                        help="language of links that do not say (?lang= in a link still wins)")
    args = parser.parse_args(argv)
    if any(os.environ.get(name) != value for name, value in SERVER_ENV.items()):  # start again with it
        os.environ.update(SERVER_ENV)
        again = sys.argv[1:] if argv is None else argv
        os.execv(sys.executable, [sys.executable, "-m", "lrviz.app.cli", *again])
    if not (ROOT / "app.py").is_file() or not (ROOT / "pages").is_dir():
        parser.exit(2, f"lrviz: the app's files are not beside the package ({ROOT}): this install carries "
                       "the library only. Install from a checkout with `pip install -e .`, or use deploy/.\n")
    if args.lang:
        os.environ[LANG_ENV] = args.lang
    os.chdir(ROOT)  # Streamlit reads .streamlit/config.toml from the working directory
    sys.exit(run_streamlit(streamlit_args(args.port, args.host)[1:]))


if __name__ == "__main__":
    # `python -m lrviz.app.cli streamlit run PAGE ...`: any page served as this command serves
    # it (bench.hall.launch: the benches' reference pages, the browser tests); else `lrviz`.
    if sys.argv[1:2] == ["streamlit"]:
        sys.exit(run_streamlit(sys.argv[2:]))
    main()
