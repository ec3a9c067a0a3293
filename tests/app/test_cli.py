"""The ``lrviz`` command: streamlit run on the checkout's app.py with the settings a class needs."""

from __future__ import annotations

import os
import sys

import pytest

from lrviz.app import cli


def test_the_command_serves_the_checkouts_app_on_the_given_address():
    args = cli.streamlit_args(8600, "0.0.0.0")
    assert args[:3] == ["streamlit", "run", str(cli.ROOT / "app.py")]
    assert (cli.ROOT / "app.py").is_file() and (cli.ROOT / "pages").is_dir()
    flags = dict(zip(args[3::2], args[4::2], strict=True))
    assert flags["--server.port"] == "8600" and flags["--server.address"] == "0.0.0.0"
    assert flags["--server.fileWatcherType"] == "none"


def test_an_unknown_language_is_refused(capsys):
    with pytest.raises(SystemExit):
        cli.main(["--lang", "fr"])
    assert "invalid choice" in capsys.readouterr().err


def test_a_link_without_lang_opens_in_the_servers_language(monkeypatch):
    from lrviz.app.kit.lang import server_default

    monkeypatch.setenv(cli.LANG_ENV, "ko")
    assert server_default() == "ko"
    monkeypatch.setenv(cli.LANG_ENV, "xx")
    assert server_default() == "en"


def test_the_command_starts_the_server_again_with_its_malloc_settings(monkeypatch):
    # glibc reads MALLOC_ARENA_MAX and MALLOC_MMAP_THRESHOLD_ only at start: without them the
    # command replaces itself by a process that has them, with the same arguments.
    monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)
    started = []

    def execv(path, args):
        started.append((path, args, {name: os.environ.get(name) for name in cli.SERVER_ENV}))
        raise SystemExit(0)

    monkeypatch.setattr(cli.os, "execv", execv)
    with pytest.raises(SystemExit):
        cli.main(["--port", "8601"])
    again = [sys.executable, "-m", "lrviz.app.cli", "--port", "8601"]
    assert started == [(sys.executable, again, {"MALLOC_ARENA_MAX": "2", "MALLOC_MMAP_THRESHOLD_": "131072"})]
