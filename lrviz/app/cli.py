"""``lrviz``: serve the app with the settings a class needs (``lrviz --port 8501 --lang ko``).

The app's files (``app.py``, ``pages/``, ``assets/``, ``.streamlit/config.toml``) live beside the
``lrviz`` package in a checkout, not inside it, so this command needs an install that points at a
checkout: ``pip install -e .`` (what ``make run`` does) or the container in ``deploy/``. A plain
``pip install .`` / wheel carries the library only; the command then says so and stops.
"""

from __future__ import annotations

import argparse
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
    from streamlit.web import cli

    sys.argv = streamlit_args(args.port, args.host)
    sys.exit(cli.main())


if __name__ == "__main__":
    main()
