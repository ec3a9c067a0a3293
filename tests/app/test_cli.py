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


def test_the_server_sends_each_message_at_once(monkeypatch):
    # Streamlit's listener names no protocol, so asyncio leaves Nagle's algorithm on for the
    # sockets it accepts, and a rerun's second message waited 40 ms for the client's delayed ACK.
    import socket

    from streamlit.web.server.starlette import starlette_server as server

    original = server._bind_socket
    monkeypatch.setattr(server, "_bind_socket", original)  # undone after the test
    cli.send_at_once()
    cli.send_at_once()  # twice is once: Streamlit's own function, wrapped once
    assert server._bind_socket.__wrapped__ is original
    listener = server._bind_socket("127.0.0.1", 0, 8)
    listener.setblocking(True)
    client = socket.create_connection(listener.getsockname()[:2])
    accepted, _ = listener.accept()
    try:
        assert accepted.proto == 0  # what leaves asyncio's own TCP_NODELAY unset
        assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)  # inherited from the listener
    finally:
        for sock in (accepted, client, listener):
            sock.close()
