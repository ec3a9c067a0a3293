"""A lecture hall of simulated students, at the protocol level: Streamlit's websocket and protobufs.

``python -m bench hall --students N --minutes M [--url URL --pid PID] [--page /playground?...]``

Starts the real server (as the ``lrviz`` command does, on a free loopback port) or targets a
running one, then drives students the way a browser does: each opens ``/_stcore/stream`` and sends
``BackMsg.rerun_script`` (``ClientState``: the link's query string, the page's name or script
hash, every widget's state, the fragment id when the widget lives in a fragment), and reads the
``ForwardMsg``s the server sends back (widget ids and values from the deltas, the page hashes from
``navigation``, the address bar from ``page_info_changed``). An action is over when the server
says the script finished. What a student does (closed loop: it waits for each answer):

* page load: a new connection opening ``--page`` (the lecturer's link);
* rate release: the playground's rate slider let go at a new rate (a fragment rerun), every ~2 s;
* setting change: steps or optimizer in the sidebar (a full rerun), every ~20 s;
* page switch: to another page through the navigation and back, every ~60 s.

It prints errors (exceptions shown, refused connections, timeouts); the server's CPU seconds per
action, measured from ``/proc/<pid>/stat`` around actions made one at a time on an otherwise idle
server; latency percentiles under load; resident memory at start, peak and end; and the students
per core that keep the p95 of a setting change under 1 s (``--students 5,10,20`` runs each and
keeps the largest that holds). Everything stays on loopback and stops after ``--minutes``.

``bench/hall_browser.py`` checks with real Chromium sessions that this student sees what a browser
sees (same runs per action, same elements).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

from lrviz.app import cli
from lrviz.app.kit.rates import LR_GRID
from lrviz.app.playground.chart import payload

ROOT = Path(__file__).resolve().parents[1]
PAGE = "/playground?surface=quadratic&lr=1.5"
TICK = os.sysconf("SC_CLK_TCK")
TIMEOUT = 120.0  # seconds an action may take before it counts as an error
SETTING_P95 = 1.0  # the target: a setting change answered within a second at the 95th percentile
RATES = (0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.8, 1, 1.2, 1.5)
STEPS = (50, 100, 150, 200, 300)
_DONE = (ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY,
         ForwardMsg.FINISHED_WITH_COMPILE_ERROR)


# --- the server -----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_healthy(url: str, proc: subprocess.Popen | None = None, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"the server exited with code {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer /_stcore/health within {seconds:.0f} s")


def launch(port: int, log: IO | int = subprocess.DEVNULL, env: dict[str, str] | None = None,
           extra: tuple[str, ...] = (), script: str = "app.py",
           module: tuple[str, ...] = ("streamlit",)) -> subprocess.Popen:
    """``script`` served on 127.0.0.1:``port`` as the ``lrviz`` command serves a class (its flags and
    environment: no file watcher, which walks the file of every imported module after each script
    run, a quarter of a loaded server's CPU; two malloc arenas). ``module``: what runs Streamlit's
    command line (``bench.profile --serve`` wraps it in a profiler)."""
    _, *command = cli.streamlit_args(port, "127.0.0.1", ROOT / script)  # ["streamlit", "run", ...]
    return subprocess.Popen(
        [sys.executable, "-m", *module, *command, *extra],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **cli.SERVER_ENV, **(env or {})},
    )


@contextlib.contextmanager
def serve(port: int | None = None, log: Path | None = None, env: dict[str, str] | None = None,
          extra: tuple[str, ...] = (), script: str = "app.py",
          module: tuple[str, ...] = ("streamlit",)) -> Iterator[tuple[str, int]]:
    """``script`` served by :func:`launch`; yields (base URL, pid) and stops it afterwards."""
    port = port or free_port()
    with open(log, "w") if log else contextlib.nullcontext(subprocess.DEVNULL) as out:
        proc = launch(port, out, env, extra, script, module)
        url = f"http://127.0.0.1:{port}"
        try:
            wait_healthy(url, proc)
            yield url, proc.pid
        finally:
            _stop(proc)


@contextlib.contextmanager
def serve_many(n: int, folder: Path | None = None) -> Iterator[list[tuple[str, int]]]:
    """``n`` servers started together (replicas); yields [(base URL, pid)]. Logs in ``folder``."""
    with contextlib.ExitStack() as stack:
        started = []
        for i in range(n):  # start all, then wait: the replicas boot side by side
            port = free_port()
            log = open(folder / f"replica-{i}.log", "w") if folder else subprocess.DEVNULL  # noqa: SIM115
            if folder:
                stack.callback(log.close)
            proc = launch(port, log)
            stack.callback(_stop, proc)
            started.append((f"http://127.0.0.1:{port}", proc))
        for url, proc in started:
            wait_healthy(url, proc)
        yield [(url, proc.pid) for url, proc in started]


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def cpu_seconds(pid: int | list[int]) -> float:
    """User + system CPU seconds of a process (or several: replicas) so far, all threads."""
    if isinstance(pid, list):
        return sum(cpu_seconds(p) for p in pid)
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def rss_mb(pid: int | list[int]) -> float:
    """Resident memory of a process (or the sum over several), MB."""
    if isinstance(pid, list):
        return sum(rss_mb(p) for p in pid)
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


NGINX_CONF = ROOT / "deploy" / "nginx.conf"


def nginx_conf(replicas: list[str], port: int, folder: Path, conf: str | None = None) -> str:
    """deploy/nginx.conf for loopback: these replicas (host:port), this port, logs in ``folder``, and
    a header naming the replica that answered (for tests and benches: it would leak addresses)."""
    conf = NGINX_CONF.read_text() if conf is None else conf
    servers = "\n".join(f"        server {r} max_fails=1 fail_timeout=10s;" for r in replicas)
    conf = re.sub(r"(?m)^\s*server app-\d+:8501[^\n]*\n", "", conf)
    conf = conf.replace("hash $route_key consistent;", "hash $route_key consistent;\n" + servers)
    conf = conf.replace("listen 80;", f"listen 127.0.0.1:{port};")
    conf = conf.replace("/var/log/nginx/access.log", str(folder / "access.log"))
    return conf.replace('SameSite=Lax" always;',
                        'SameSite=Lax" always;\n            add_header X-Upstream $upstream_addr always;')


@contextlib.contextmanager
def balancer(replicas: list[str], folder: Path, nginx: str = "nginx") -> Iterator[str]:
    """Debian's nginx on loopback with deploy/nginx.conf in front of ``replicas``; yields its URL."""
    port = free_port()
    conf = folder / "nginx.conf"
    conf.write_text(nginx_conf(replicas, port, folder))
    globals_ = f"daemon off; pid {folder}/nginx.pid; error_log {folder}/error.log;"
    checked = subprocess.run([nginx, "-t", "-p", str(folder), "-c", str(conf), "-g", globals_],
                             capture_output=True, text=True)
    if checked.returncode:
        raise RuntimeError(f"nginx -t refused the configuration: {checked.stderr}")
    proc = subprocess.Popen([nginx, "-p", str(folder), "-c", str(conf), "-g", globals_],
                            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_healthy(url, proc)
        yield url
    finally:
        _stop(proc)


# --- one student ----------------------------------------------------------------------------------


@dataclasses.dataclass
class Run:
    """What one action brought back: script runs, elements by type, exceptions, seconds."""

    runs: int = 0
    elements: Counter = dataclasses.field(default_factory=Counter)
    exceptions: int = 0
    shown: str = ""  # the first exception's type and message, as the page shows them
    seconds: float = 0.0


def widget_state(wid: str, element) -> WidgetState | None:
    """A widget's state as the browser reports it, from the element the server sent."""
    kind = element.WhichOneof("type")
    proto = getattr(element, kind)
    state = WidgetState(id=wid)
    if kind == "slider":
        values = list(proto.value if proto.set_value else proto.default)
        if proto.options and proto.set_value and proto.raw_value:  # select_slider, set by the script
            state.string_array_value.data.extend(proto.raw_value)
        elif proto.options:  # select_slider: the formatted options, by index
            state.string_array_value.data.extend(proto.options[int(v)] for v in values)
        else:
            state.double_array_value.data.extend(values)
    elif kind in ("selectbox", "radio"):
        if proto.set_value and proto.HasField("raw_value"):
            state.string_value = proto.raw_value
        elif proto.options and proto.HasField("default"):
            state.string_value = proto.options[int(proto.default)]
        else:
            return None
    elif kind == "number_input":
        value = proto.value if proto.set_value else proto.default
        if proto.data_type == proto.INT:
            state.int_value = int(value)
        else:
            state.double_value = value
    elif kind == "checkbox":
        state.bool_value = proto.value if proto.set_value else proto.default
    elif kind == "text_input":
        state.string_value = proto.value if proto.set_value else proto.default
    elif kind == "button_group":
        chosen = (list(proto.raw_values) if proto.set_value
                  else [proto.options[i].content for i in proto.default])
        state.string_array_value.data.extend(chosen)
    else:
        return None  # buttons send a trigger only when pressed
    return state


def _ack_at_once(sock) -> None:
    """Acknowledge what arrives at once, as a browser in effect does.

    Streamlit (1.67, on uvicorn) leaves Nagle's algorithm on for its connections, so the second
    message of a script run waits until the client has acknowledged the first. Linux delays an
    acknowledgement by up to 40 ms unless it can ride on data going the other way; a browser
    answers soon enough that it rides (its round trip measured the same with Nagle's algorithm off
    on the server), a client that only listens does not, and every action of a student that only
    listened took 40 ms more than in Chromium (a one-slider page's rerun: 48 ms; 6 ms with this).
    The kernel leaves this quick mode by itself, so it is asked again for every message."""
    if sock is not None and hasattr(socket, "TCP_QUICKACK"):
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)


class Student:
    """One browser tab, at the protocol level."""

    def __init__(self, base: str, agent: str = "lrviz-bench-hall"):
        self.base = base
        self.agent = agent
        self.ws = None
        self.pages: dict[str, str] = {}  # url path -> page script hash
        self.page_hash = ""
        self.path = ""
        self.query = ""
        self.states: dict[str, WidgetState] = {}  # every widget on screen, as the browser keeps them
        self.ids: dict[str, str] = {}  # user key -> widget id
        self.elements: dict[str, object] = {}  # widget id -> its element
        self.fragments: dict[str, str] = {}  # widget id -> the fragment it lives in
        self._run = Run()
        self._done = asyncio.Event()
        self._reader: asyncio.Task | None = None
        self._seen: set[str] = set()
        self.cache: dict[str, tuple[ForwardMsg, int]] = {}  # big elements kept, as the browser keeps them
        self._runs = 0  # script runs so far: cached messages unused for a while are dropped
        self.errors: list[str] = []
        self.cookies: dict[str, str] = {}
        self.upstream = self.ws_upstream = None  # the replica behind a balancer, where it says
        self.chart: dict[str, object] = {}  # the playground chart's state, as its script keeps it

    # connection
    async def open(self, link: str) -> Run:
        """Open ``link`` (path and query) in a new tab: the HTML page, then the websocket."""
        await self.close()
        parsed = urllib.parse.urlsplit(link)
        self.path, self.query = parsed.path.strip("/"), parsed.query
        t0 = time.perf_counter()
        headers = await asyncio.to_thread(self.get, f"/{self.path}?{self.query}")
        self.upstream = headers.get("X-Upstream")
        ws_url = self.base.replace("http", "ws", 1) + "/_stcore/stream"
        cookie = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}
        self.ws = await websockets.connect(ws_url, subprotocols=["streamlit"], max_size=None,
                                           user_agent_header=self.agent, open_timeout=TIMEOUT,
                                           ping_interval=None, additional_headers=cookie)
        self.ws_upstream = self.ws.response.headers.get("X-Upstream")
        self._reader = asyncio.create_task(self._read())
        self.page_hash = ""
        self.states.clear()
        return await self._rerun(page_name=self.path, t0=t0)

    def get(self, path: str):
        """An HTTP GET as this tab's browser makes it: its cookies sent, the ones set kept
        (a balancer's route cookie keeps the tab on its replica). Returns the response headers."""
        request = urllib.request.Request(self.base + path, headers={"User-Agent": self.agent})
        if self.cookies:
            request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            response.read()
            for header in response.headers.get_all("Set-Cookie") or []:
                name, _, value = header.split(";", 1)[0].partition("=")
                self.cookies[name.strip()] = value.strip()
            return response.headers

    async def close(self) -> None:
        if self._reader:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._reader
            self._reader = None
        if self.ws is not None:
            with contextlib.suppress(Exception):
                await self.ws.close()
            self.ws = None

    # actions
    def key(self, suffix: str) -> str | None:
        return next((k for k in self.ids if k.endswith(suffix)), None)

    async def set(self, key: str, value) -> Run:
        """Change the widget keyed ``key`` (a user key) to ``value``, as a browser would on release."""
        wid = self.ids[key]
        element = self.elements[wid]
        kind = element.WhichOneof("type")
        state = WidgetState(id=wid)
        if kind == "slider" and getattr(element, kind).options:
            state.string_array_value.data.append(str(value))
        elif kind == "slider":
            state.double_array_value.data.append(float(value))
        elif kind in ("selectbox", "radio", "text_input"):
            state.string_value = str(value)
        elif kind == "number_input":
            if getattr(element, kind).data_type == element.number_input.INT:
                state.int_value = int(value)
            else:
                state.double_value = float(value)
        elif kind == "checkbox":
            state.bool_value = bool(value)
        elif kind == "button_group":
            state.string_array_value.data.append(str(value))
        elif kind == "button":
            state.trigger_value = True
        self.states[wid] = state
        run = await self._rerun(fragment=self.fragments.get(wid, ""))
        if kind == "button":
            self.states.pop(wid, None)
        return run

    async def chart_settings(self, **settings: float) -> Run:
        """Move the playground chart's own steps, noise or seed as its script does: the new runs
        fetched over HTTP (the paint waits for this alone: ``Run.seconds`` is its time), then the
        release's one rerun, the chart's state carrying the settings."""
        wid = self.ids[self.key("pg_chart")]
        # What chart.js reads: the query the server handed it, and the settings it holds.
        request = payload.decode(self.elements[wid].bidi_component.bytes)["request"]
        held = {**request["settings"], **settings}
        asked = urllib.parse.urlencode({**dict(urllib.parse.parse_qsl(request["runs"])), **held})
        t0 = time.perf_counter()
        await asyncio.to_thread(self.get, f"/_lrviz/runs?{asked}")
        fetched = time.perf_counter() - t0
        self.chart = {**self.chart, "settings": held}
        self.states[wid] = WidgetState(id=wid, json_value=json.dumps(self.chart))
        run = await self._rerun(fragment=self.fragments.get(wid, ""))
        run.seconds = fetched
        return run

    async def switch(self, path: str) -> Run:
        """Go to another page through the navigation (the link's query is not carried)."""
        self.path, self.query = path, ""
        self.states = {k: v for k, v in self.states.items() if k.endswith("-lang")}  # app.py's widgets
        return await self._rerun(page_hash=self.pages[path])

    def options(self, key: str) -> list[str]:
        element = self.elements[self.ids[key]]
        proto = getattr(element, element.WhichOneof("type"))
        return [getattr(o, "content", o) for o in proto.options]

    # the wire
    async def _rerun(self, page_name: str = "", page_hash: str | None = None, fragment: str = "",
                     t0: float | None = None) -> Run:
        msg = BackMsg()
        cs = msg.rerun_script
        cs.query_string = self.query
        cs.page_script_hash = self.page_hash if page_hash is None else page_hash
        cs.page_name = page_name
        cs.fragment_id = fragment
        cs.widget_states.widgets.extend(self.states.values())
        cs.cached_message_hashes.extend(self.cache)
        cs.context_info.timezone = "UTC"
        cs.context_info.locale = "en-US"
        cs.context_info.url = f"{self.base}/{self.path}"
        self._run, self._done = Run(), asyncio.Event()
        t0 = time.perf_counter() if t0 is None else t0
        await self.ws.send(msg.SerializeToString())
        try:
            await asyncio.wait_for(self._done.wait(), TIMEOUT)
        except TimeoutError:
            self.errors.append(f"no answer within {TIMEOUT:.0f} s")
        self._run.seconds = time.perf_counter() - t0
        if (run := self._run).exceptions:
            self.errors.append(f"{run.exceptions} exception(s) shown on /{self.path}: {run.shown}")
        return self._run

    async def _read(self) -> None:
        sock = self.ws.transport.get_extra_info("socket")
        try:
            async for payload in self.ws:
                _ack_at_once(sock)
                msg = ForwardMsg()
                msg.ParseFromString(payload)
                self._receive(msg)
        except websockets.ConnectionClosed as closed:
            if not self._done.is_set():
                self.errors.append(f"connection closed: {closed}")
                self._done.set()

    def _receive(self, msg: ForwardMsg) -> None:
        kind = msg.WhichOneof("type")
        if kind == "ref_hash":  # a message the browser said it has: the server sends only its hash
            if msg.ref_hash not in self.cache:
                self.errors.append("the server referred to a message this student never had")
                return
            cached = ForwardMsg()
            cached.CopyFrom(self.cache[msg.ref_hash][0])
            cached.metadata.CopyFrom(msg.metadata)
            msg, kind = cached, cached.WhichOneof("type")
        if msg.metadata.cacheable:
            self.cache[msg.hash] = (msg, self._runs)
        elif msg.hash in self.cache:
            self.cache[msg.hash] = (self.cache[msg.hash][0], self._runs)
        if kind == "new_session":
            self.page_hash = msg.new_session.page_script_hash
            self._seen = set()
        elif kind == "navigation":
            self.page_hash = msg.navigation.page_script_hash
            self.pages = {(p.url_pathname or ""): p.page_script_hash for p in msg.navigation.app_pages}
        elif kind == "page_info_changed":
            self.query = msg.page_info_changed.query_string
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            element = msg.delta.new_element
            etype = element.WhichOneof("type")
            self._run.elements[etype] += 1
            if etype == "exception":
                self._run.exceptions += 1
                shown = element.exception
                self._run.shown = self._run.shown or f"{shown.type}: {shown.message[:300]}"
            proto = getattr(element, etype)
            wid = getattr(proto, "id", "") if etype != "empty" else ""
            if wid.startswith("$$ID-"):
                self.elements[wid] = element
                self._seen.add(wid)
                self.ids[wid.split("-", 2)[2]] = wid
                if msg.delta.fragment_id:
                    self.fragments[wid] = msg.delta.fragment_id
                if wid not in self.states and (state := widget_state(wid, element)) is not None:
                    self.states[wid] = state
        elif kind == "script_finished":
            self._runs += 1
            # The browser drops what it has not used in its last two runs (client.maxCachedMessageAge).
            self.cache = {h: (m, r) for h, (m, r) in self.cache.items() if self._runs - r <= 2}
            if msg.script_finished in _DONE:
                self._run.runs += 1
            if msg.script_finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                self.errors.append("the script did not compile")
            if msg.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY:  # widgets gone from the page
                self.states = {k: v for k, v in self.states.items() if k in self._seen}
            if msg.script_finished in _DONE:
                self._done.set()




# --- what students do -----------------------------------------------------------------------------


@dataclasses.dataclass
class Tally:
    latency: dict[str, list[float]] = dataclasses.field(default_factory=dict)
    errors: list[str] = dataclasses.field(default_factory=list)
    generator_cpu: float = float("nan")  # CPU seconds of this load generator (it shares the machine)

    def add(self, kind: str, run: Run) -> None:
        self.latency.setdefault(kind, []).append(run.seconds)


async def rate_release(student: Student, rng: random.Random) -> Run:
    """A new rate reaching the server. The playground's slider lives in its chart (a components-v2
    element, whose released value this student does not speak); the exact-rate box sends the same
    rerun with a new rate, so it stands in for a release."""
    key = student.key("lr_exact")
    current = student.states[student.ids[key]].double_value
    return await student.set(key, rng.choice([r for r in LR_GRID if r <= 2 and r != current]))


async def setting_change(student: Student, rng: random.Random) -> Run:
    if rng.random() < 0.5:
        return await student.chart_settings(steps=rng.choice(STEPS))
    key = student.key("pg_optimizer")
    current = student.states[student.ids[key]].string_value
    return await student.set(key, rng.choice([o for o in student.options(key) if o != current]))


async def student_loop(base: str, link: str, deadline: float, start_delay: float, tally: Tally,
                       seed: int, move_every: float = 2.0, setting_every: float = 20.0,
                       switch_every: float = 60.0) -> None:
    rng = random.Random(seed)
    student = Student(base)
    await asyncio.sleep(start_delay)
    try:
        tally.add("page load", await student.open(link))
        next_setting = time.monotonic() + rng.uniform(0.3, 1) * setting_every
        next_switch = time.monotonic() + rng.uniform(0.5, 1) * switch_every
        while time.monotonic() < deadline:
            await asyncio.sleep(rng.uniform(0.5, 1.5) * move_every)
            if time.monotonic() >= deadline:
                break
            now = time.monotonic()
            if now >= next_switch:
                other = rng.choice(["compare", "schedules"])
                tally.add("page switch", await student.switch(other))
                tally.add("page switch", await student.open(link))
                next_switch = now + switch_every
            elif now >= next_setting:
                tally.add("setting change", await setting_change(student, rng))
                next_setting = now + setting_every
            else:
                tally.add("rate release", await rate_release(student, rng))
    except Exception as error:
        tally.errors.append(f"{type(error).__name__}: {error}")
    finally:
        tally.errors.extend(student.errors)
        await student.close()


class Memory:
    """Resident memory of the server, sampled in the background: start, peak, end."""

    def __init__(self, pid: int | None):
        self.pid, self.start, self.peak, self.end = pid, float("nan"), float("nan"), float("nan")
        self._task: asyncio.Task | None = None

    async def __aenter__(self):
        if self.pid:
            self.start = self.peak = rss_mb(self.pid)
            self._task = asyncio.create_task(self._sample())
        return self

    async def _sample(self) -> None:
        while True:
            self.peak = max(self.peak, rss_mb(self.pid))
            await asyncio.sleep(0.5)

    async def __aexit__(self, *exc):
        if self._task:
            self._task.cancel()
            self.end = rss_mb(self.pid)
            self.peak = max(self.peak, self.end)


async def hall(base: str, pid: int | None, students: int, seconds: float, link: str,
               ramp: float | None = None) -> tuple[Tally, Memory, float]:
    """``students`` students for ``seconds``; they open the link spread over ``ramp`` seconds.
    Returns the tally, the memory and the server's CPU seconds used."""
    tally = Tally()
    ramp = min(60.0, seconds / 3) if ramp is None else ramp
    deadline = time.monotonic() + seconds
    cpu0 = cpu_seconds(pid) if pid else float("nan")
    own0 = time.process_time()
    async with Memory(pid) as memory:
        await asyncio.gather(*(
            student_loop(base, link, deadline, ramp * i / max(students, 1), tally, seed=i)
            for i in range(students)))
    cpu = cpu_seconds(pid) - cpu0 if pid else float("nan")
    tally.generator_cpu = time.process_time() - own0
    return tally, memory, cpu


async def isolated(base: str, pid: int | None, link: str, repeats: int = 5) -> dict[str, list[tuple]]:
    """Each action alone on an idle server, ``repeats`` times after one warm-up: (CPU s, wall s, Run)."""
    rng = random.Random(1)
    student = Student(base)
    out: dict[str, list[tuple]] = {}

    async def measure(kind: str, action) -> None:
        await asyncio.sleep(0.3)  # let the previous answer's tail finish
        c0 = cpu_seconds(pid) if pid else float("nan")
        run = await action()
        await asyncio.sleep(0.3)
        idle = 0.6 * _idle_rate  # the server's own background use over the two pauses
        cpu = cpu_seconds(pid) - c0 - idle if pid else float("nan")
        out.setdefault(kind, []).append((cpu, run.seconds, run))

    try:
        await student.open(link)  # warm-up: compiles the first programs
        await rate_release(student, rng)
        await setting_change(student, rng)
        await student.switch("compare")
        for _ in range(repeats):
            await measure("page load", lambda: student.open(link))
            await measure("rate release", lambda: rate_release(student, rng))
            await measure("setting change", lambda: setting_change(student, rng))
        for _ in range(max(2, repeats // 2)):
            await measure("page switch", lambda: student.switch("compare"))
            await student.open(link)
    finally:
        await student.close()
    if student.errors:
        out["errors"] = [(0, 0, e) for e in student.errors]
    return out


_idle_rate = 0.0


def idle_rate(pid: int, seconds: float = 2.0) -> float:
    """The server's CPU use per second when nobody is connected."""
    c0 = cpu_seconds(pid)
    time.sleep(seconds)
    return (cpu_seconds(pid) - c0) / seconds


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


# --- report ---------------------------------------------------------------------------------------


def report_isolated(measured: dict[str, list[tuple]]) -> dict[str, float]:
    # CPU is the mean over the repeats: /proc counts in 10 ms ticks, so the median of a 15 ms
    # action is 10 or 20; the mean of many converges on the truth (latency stays the median).
    print("\nEach action alone on an idle server (CPU: mean of repeats, /proc/<pid>/stat; latency: median):")
    print(f"  {'action':<16}{'server CPU s':>14}{'latency s':>12}{'runs':>6}{'elements':>10}")
    cpu = {}
    for kind, rows in measured.items():
        if kind == "errors":
            continue
        cpu[kind] = statistics.fmean(r[0] for r in rows)
        runs = statistics.median(r[2].runs for r in rows)
        elements = statistics.median(sum(r[2].elements.values()) for r in rows)
        print(f"  {kind:<16}{cpu[kind]:>14.3f}{statistics.median(r[1] for r in rows):>12.3f}"
              f"{runs:>6.0f}{elements:>10.0f}")
    for _, _, error in measured.get("errors", []):
        print(f"  error: {error}")
    return cpu


def report_hall(n: int, seconds: float, tally: Tally, memory: Memory, cpu: float) -> float:
    print(f"\n{n} students for {seconds:.0f} s:")
    print(f"  {'action':<16}{'count':>7}{'p50 s':>9}{'p95 s':>9}{'max s':>9}")
    for kind in ("page load", "rate release", "setting change", "page switch"):
        values = tally.latency.get(kind, [])
        print(f"  {kind:<16}{len(values):>7}{pct(values, 50):>9.2f}{pct(values, 95):>9.2f}"
              f"{max(values, default=float('nan')):>9.2f}")
    errors = Counter(tally.errors)
    print(f"  errors: {sum(errors.values())}" + "".join(f"\n    {c} x {e}" for e, c in errors.most_common(8)))
    print(f"  server CPU: {cpu:.1f} s in {seconds:.0f} s = {cpu / seconds:.2f} cores "
          f"(this load generator: {tally.generator_cpu / seconds:.2f} cores)")
    print(f"  server memory (RSS): start {memory.start:.0f} MB, peak {memory.peak:.0f} MB, "
          f"end {memory.end:.0f} MB")
    return pct(tally.latency.get("setting change", []), 95)


def model(cpu: dict[str, float], move_every: float = 2.0, setting_every: float = 20.0,
          switch_every: float = 60.0) -> float:
    """Students one fully busy core serves, from the CPU of each action and how often a student
    makes it (a student's think time is ~``move_every``; a switch is a switch and a page load)."""
    per_second = (cpu.get("rate release", 0) / move_every + cpu.get("setting change", 0) / setting_every
                  + (cpu.get("page switch", 0) + cpu.get("page load", 0)) / switch_every)
    return 1 / per_second if per_second > 0 else float("inf")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench hall", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", default="10", help="how many at once; a list (5,10,20) runs each")
    parser.add_argument("--minutes", type=float, default=1.0, help="how long each hall lasts")
    parser.add_argument("--url", help="a running server (loopback) instead of starting one")
    parser.add_argument("--pid", type=int, help="with --url: the server's process, for CPU and memory")
    parser.add_argument("--page", default=PAGE, help="the link students open (path and query)")
    parser.add_argument("--repeats", type=int, default=5, help="isolated repeats of each action (0: none)")
    parser.add_argument("--replicas", type=int, default=1,
                        help="start this many servers behind Debian's nginx (deploy/nginx.conf)")
    args = parser.parse_args(argv)
    counts = [int(n) for n in args.students.split(",")]
    if max(counts) > 500 or args.minutes > 30:
        parser.error("at most 500 students and 30 minutes")
    if args.url and urllib.parse.urlsplit(args.url).hostname not in ("127.0.0.1", "localhost", "::1"):
        parser.error("loopback only: --url must be on 127.0.0.1 or localhost")
    with contextlib.ExitStack() as stack:
        if args.url:
            base, pid = args.url.rstrip("/"), args.pid
        elif args.replicas > 1:
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
            started = stack.enter_context(serve_many(args.replicas, folder))
            nginx = shutil.which("nginx") or "/usr/sbin/nginx"
            base = stack.enter_context(balancer([u.split("//")[1] for u, _ in started], folder, nginx))
            pid = [p for _, p in started]
        else:
            base, pid = stack.enter_context(serve())
        print(f"server {base} (pid {pid}), {os.cpu_count()} cores, link {args.page}")
        print("note: the machine may be shared; absolute figures are noisy")
        run_all(base, pid, counts, args.minutes * 60, args.page, args.repeats)


def run_all(base: str, pid: int | list[int] | None, counts: list[int], seconds: float, link: str,
            repeats: int) -> None:
    global _idle_rate
    if pid:
        _idle_rate = idle_rate(pid)
        print(f"server memory at start: {rss_mb(pid):.0f} MB; idle CPU {_idle_rate:.3f} cores")
    cpu = report_isolated(asyncio.run(isolated(base, pid, link, repeats))) if repeats else {}
    if cpu:
        print(f"  model: one busy core serves ~{model(cpu):.0f} students (a rate release every 2 s, "
              "a setting change every 20 s, a page switch every 60 s)")
    holds = []
    for n in counts:
        tally, memory, used = asyncio.run(hall(base, pid, n, seconds, link))
        p95 = report_hall(n, seconds, tally, memory, used)
        if p95 < SETTING_P95 and not tally.errors:
            holds.append((n, used / seconds))
    if holds:
        n, cores = max(holds)
        processes = len(pid) if isinstance(pid, list) else 1
        print(f"\nlargest hall tried with setting-change p95 < {SETTING_P95:g} s and no errors: {n} students "
              f"on {processes} replica(s), {n / processes:.0f} per replica (one replica ~ one core; "
              f"they used {cores:.2f} cores here)")
    else:
        print(f"\nno hall size tried kept the setting-change p95 under {SETTING_P95:g} s without errors")


if __name__ == "__main__":
    main()
