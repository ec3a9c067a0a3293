// chart.js: the browser half of the playground's chart (Streamlit components v2, no iframe).
//
// The server sends every run the rate slider can reach (payload.py documents the bytes), so a
// move of the slider, a frame of playback or a drag of the frame slider is a redraw here,
// never a round trip. The server hears back only on release (state values "rate_index" and
// "frame"), on a click that picks a start (trigger "start"), and if plotly.js cannot load
// (trigger "failed"; the page then shows its plain Plotly figure).
//
// How Streamlit drives this module (1.67): it is imported once per page; the default export
// is called on mount and again whenever the data or the theme changes, with the same
// parentElement for as long as the element keeps its key. Cleanups of earlier calls are not
// run, so each parentElement keeps one instance (a WeakMap) and later calls only hand it data.
// setStateValue always asks for a rerun, so it is called once per release, after a short
// pause ("change" fires on every arrow-key press, not only on release).

const instances = new WeakMap(); // parentElement -> instance
const SEND_AFTER_MS = 600; // a burst of key presses is one release (a held key repeats every ~33 ms)
let plotlyLoading = null;
// Test and bench hooks: counters only, no behaviour hangs on them.
const stats = (globalThis.__lrviz = globalThis.__lrviz || { creates: 0, draws: 0, sends: 0, newPlots: 0 });

// plotly.min.js sits next to this file (copied from the installed plotly package): one classic
// <script> per page, from the app's own origin.
function loadPlotly() {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  if (!plotlyLoading) {
    plotlyLoading = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = new URL("plotly.min.js", import.meta.url).href;
      script.onload = () => resolve(window.Plotly);
      script.onerror = () => { plotlyLoading = null; reject(new Error("cannot load " + script.src)); };
      document.head.appendChild(script);
    });
  }
  return plotlyLoading;
}

// ---- numbers as the Python side writes them (verdict.number, format specs .3g and .2e) ----

// The p significant digits of |v| rounded as Python rounds (ties to even on the exact value)
// and the decimal exponent of the first one.
function digits(v, p) {
  const text = Math.abs(v).toExponential(p + 24); // exact enough to see a tie
  const [mantissa, exp] = text.split("e");
  const all = mantissa.replace(".", "");
  let keep = all.slice(0, p), e = parseInt(exp, 10);
  const rest = all.slice(p);
  const up = rest[0] > "5" || (rest[0] === "5" && (/[1-9]/.test(rest.slice(1)) || keep[p - 1] % 2 === 1));
  if (up) {
    const bumped = String(BigInt(keep) + 1n);
    if (bumped.length > p) { keep = bumped.slice(0, p); e += 1; } else keep = bumped;
  }
  return [keep, e];
}
const sign = (v) => (v < 0 ? "-" : "");
const expo = (e) => "e" + (e < 0 ? "-" : "+") + String(Math.abs(e)).padStart(2, "0");
const trim = (s) => (s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s);

function formatG(v, p) { // Python's f"{v:.{p}g}"
  if (v === 0) return "0";
  const [keep, e] = digits(v, p);
  if (e < -4 || e >= p) return sign(v) + trim(keep[0] + "." + keep.slice(1)) + expo(e);
  const point = e + 1; // digits before the decimal point
  const s = point <= 0 ? "0." + "0".repeat(-point) + keep
    : keep.length > point ? keep.slice(0, point) + "." + keep.slice(point) : keep + "0".repeat(point - keep.length);
  return sign(v) + trim(s);
}
function formatE(v, p) { // Python's f"{v:.{p}e}"
  const [keep, e] = digits(v, p + 1);
  return sign(v) + keep[0] + "." + keep.slice(1) + expo(e);
}
export function number(v) { // verdict.number: 3 significant digits, no noise
  if (v === null || v === undefined || !Number.isFinite(v)) return v !== null && v > 0 ? "∞" : "—";
  if (v === 0) return "0";
  return Math.abs(v) >= 1e-3 && Math.abs(v) < 1e4 ? formatG(v, 3) : formatE(v, 2);
}
const vector = (v) => (v.length === 1 ? number(v[0]) : "(" + Array.from(v, number).join(", ") + ")");

// ---- the payload: uint32 n | request JSON | uint32 m | header JSON | float32 arrays ----

function decode(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const text = new TextDecoder();
  const r = view.getUint32(0, true);
  const request = JSON.parse(text.decode(bytes.subarray(4, 4 + r)));
  const h = view.getUint32(4 + r, true);
  const header = JSON.parse(text.decode(bytes.subarray(8 + r, 8 + r + h)));
  const body = bytes.slice(8 + r + h); // a copy, aligned for Float32Array
  const arrays = {};
  let at = 0;
  for (const [name, shape] of Object.entries(header.arrays)) {
    const size = shape.reduce((a, b) => a * b, 1);
    arrays[name] = new Float32Array(body.buffer, at * 4, size);
    at += size;
  }
  return { request, header, arrays };
}

// plotly.py's typed-array specs ({dtype, bdata}) decoded once, so no redraw decodes them again.
function typed(value) {
  if (Array.isArray(value)) return value.map(typed);
  if (value && typeof value === "object") {
    if (typeof value.bdata === "string" && value.dtype && !value.shape) {
      const raw = Uint8Array.from(atob(value.bdata), (c) => c.charCodeAt(0));
      const kind = { f4: Float32Array, f8: Float64Array, i4: Int32Array }[value.dtype];
      return kind ? new kind(raw.buffer) : value;
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, typed(v)]));
  }
  return value;
}

// ---- one run, read out of the arrays: what its traces need ----

function runOf(d, row) {
  const { header: H, arrays: A } = d;
  const dim = H.dim, L = H.steps + 1, k = H.lengths[row] - 1;
  const [[xlo, xhi], [ylo, yhi]] = dim === 2 ? H.box : [H.box[0], [-Infinity, Infinity]];
  const point = (s) => A.points.subarray((row * L + s) * dim, (row * L + s + 1) * dim);
  const loss = (s) => A.losses[row * L + s];
  const lr = (s) => A.lrs[row * H.steps + s];
  const grad = (s) => A.grads.subarray((row * H.steps + s) * dim, (row * H.steps + s + 1) * dim);
  const inside = (p) => p.every(Number.isFinite) && p[0] >= xlo && p[0] <= xhi && (dim === 1 || (p[1] >= ylo && p[1] <= yhi));
  const x = new Float64Array(k + 1), y = new Float64Array(k + 1), steps = new Float64Array(k + 1);
  for (let s = 0; s <= k; s++) {
    const p = point(s), on = inside(p);
    x[s] = on ? p[0] : NaN;
    y[s] = on ? (dim === 1 ? loss(s) : p[1]) : NaN;
    steps[s] = s;
  }
  // What the loss chart plots (landscape.gap): the loss above the lowest value, on a log axis.
  const shown = new Float64Array(k + 1);
  if (H.f_min !== null) {
    let lowest = Infinity, highest = -Infinity, touches = false;
    for (let s = 0; s <= k; s++) {
      const g = loss(s) - H.f_min;
      if (!Number.isFinite(g)) continue;
      if (g > 0) { lowest = Math.min(lowest, g); highest = Math.max(highest, g); } else touches = true;
    }
    if (lowest === Infinity) lowest = 1e-12; else if (touches) lowest = Math.min(lowest, 1e-12 * highest);
    for (let s = 0; s <= k; s++) {
      const g = loss(s) - H.f_min;
      shown[s] = Number.isFinite(g) ? Math.max(g, lowest) : NaN;
    }
  } else for (let s = 0; s <= k; s++) shown[s] = Number.isFinite(loss(s)) ? loss(s) : NaN;
  const rates = new Float64Array(k), norms = new Float64Array(k);
  for (let s = 0; s < k; s++) {
    rates[s] = lr(s);
    norms[s] = Math.max(Math.hypot(...grad(s)), 1e-12);
  }
  // The direction the step took: ∇L itself, or (θ_s − θ_{s+1}) / η_s in float32 as figures.py reads it.
  const direction = (s) => {
    if (H.rows[row].gradient) return grad(s);
    const rate = lr(s) > 0 ? lr(s) : 1, a = point(s), b = point(s + 1);
    return Array.from(a, (v, j) => Math.fround(Math.fround(v - b[j]) / rate));
  };
  return { k, x, y, steps, shown, rates, norms, point, loss, lr, grad, direction, inside };
}

// The update of step s with its numbers (figures._Moving.rule).
function rule(d, row, run, s) {
  const step = d.header.texts.step;
  if (s >= run.k) return `<b>${step} ${s}</b><br>θ = ${vector(run.point(s))}`;
  const eta = run.lr(s), grad = d.header.rows[row].gradient, symbol = grad ? "∇L" : "d";
  const dir = run.direction(s);
  const lines = [`<b>${step} ${s} → ${s + 1}</b>`, `θ ← θ − η·${symbol}`, `η      = ${number(eta)}`,
    `∇L(θ)  = ${vector(run.grad(s))}`];
  if (!grad) lines.push(`d      = ${vector(dir)}`);
  lines.push(`θ      = ${vector(run.point(s))}`,
    `η·${symbol.padEnd(4)} = ${vector(Array.from(dir, (v) => Math.fround(eta * v)))}`,
    `θ − η·${symbol} = ${vector(run.point(s + 1))}`);
  return lines.join("<br>");
}

// The traces that move with the frame (figures._Moving.traces), as {index: changes}.
function moving(d, row, run, s) {
  const T = d.header.traces, k = run.k, nxt = Math.min(s + 1, k), from = Math.max(0, s - d.header.tail);
  const out = {
    [T.tail]: { x: run.x.slice(from, s + 1), y: run.y.slice(from, s + 1) },
    [T.arrow]: { x: [run.x[s], run.x[nxt]], y: [run.y[s], run.y[nxt]] },
    [T.head]: { x: [run.x[s]], y: [run.y[s]] },
    [T.rule]: { text: [rule(d, row, run, s)] },
  };
  if (T.tangent !== null) { // where a linear model of the loss says the step lands
    if (s < k) {
      const x0 = run.point(s)[0], x1 = run.point(s + 1)[0], l0 = run.loss(s);
      const on = (v) => (run.inside([v]) ? v : NaN);
      out[T.tangent] = { x: [on(x0), on(x1)], y: [l0, l0 + run.grad(s)[0] * (x1 - x0)] };
    } else out[T.tangent] = { x: [NaN, NaN], y: [NaN, NaN] };
  }
  const at = k > 0 ? Math.min(s, k - 1) : 0;
  const ys = [run.shown[s], k ? run.rates[at] : null, k ? run.norms[at] : null];
  T.markers.forEach((i, j) => { out[i] = { x: [j === 0 ? s : at], y: [ys[j]] }; });
  return out;
}

// ---- one chart per parentElement ----

function createInstance(root) {
  stats.creates++;
  const $ = (selector) => root.querySelector(selector);
  const box = $(".lrc"), plot = $(".lrc-plot"), overview = $(".lrc-overview");
  const rate = $(".lrc-rate"), frameInput = $(".lrc-frame"), play = $(".lrc-play"), speed = $(".lrc-speed");
  const me = {
    d: null, version: null, nonce: null, index: 0, row: 0, frame: 0, playing: false, speed: 1,
    fig: null, run: null, runs: new Map(), sent: { rate_index: null, frame: null }, timers: {},
    setStateValue: null, setTriggerValue: null, plotted: false,
  };

  const runAt = (row) => {
    if (!me.runs.has(row)) me.runs.set(row, runOf(me.d, row));
    return me.runs.get(row);
  };

  // The figure for the current row and frame: the base figure with the moving parts replaced.
  function figure(withRow) {
    const H = me.d.header, T = H.traces, run = me.run, data = me.fig.data.slice();
    const set = (i, changes) => { data[i] = { ...data[i], ...changes }; };
    if (withRow) {
      set(T.path, { x: run.x, y: run.y, mode: run.k <= H.max_markers ? "lines+markers" : "lines" });
      set(T.lines[0], { x: run.steps, y: run.shown });
      set(T.lines[1], { x: run.steps.subarray(0, run.k), y: run.rates });
      set(T.lines[2], { x: run.steps.subarray(0, run.k), y: run.norms });
      const exit = H.rows[me.row].exit || { x: [], y: [], text: [], textposition: "bottom right" };
      set(T.exit, exit);
      me.layout = { ...me.fig.layout };
      for (const [path, value] of Object.entries(H.rows[me.row].layout)) {
        const [axis, key] = path.split(".");
        me.layout[axis] = { ...me.layout[axis], [key]: value === null ? undefined : value };
      }
    }
    for (const [i, changes] of Object.entries(moving(me.d, me.row, run, me.frame))) set(Number(i), changes);
    me.fig.data = data;
    return { data, layout: me.layout };
  }

  // Redraw only the traces that move: Plotly.animate with redraw off recomputes and redraws
  // just those scatter traces (a react or restyle lays out all four charts again: 5-10x slower).
  // The step charts' axes follow the rate a moment later, once the slider rests.
  let drawing = null, pending = false;
  const still = { mode: "immediate", frame: { duration: 0, redraw: false }, transition: { duration: 0 } };
  function draw(withRow) {
    me.dirtyRow = me.dirtyRow || withRow;
    if (drawing) { pending = true; return drawing; }
    const rowChanged = me.dirtyRow, before = me.fig.data;
    figure(rowChanged);
    me.dirtyRow = false;
    const indices = [];
    me.fig.data.forEach((trace, i) => { if (trace !== before[i]) indices.push(i); });
    stats.draws++;
    drawing = window.Plotly.animate(plot, { data: indices.map((i) => me.fig.data[i]), traces: indices }, still)
      .then(() => {
        drawing = null;
        plot.dataset.row = String(me.row);
        plot.dataset.frame = String(me.frame);
        if (rowChanged) axesLater();
        if (pending) { pending = false; return draw(false); }
      });
    return drawing;
  }
  function axesLater() {
    clearTimeout(me.timers.axes);
    me.timers.axes = setTimeout(() => {
      const update = { "yaxis2.autorange": true, "yaxis3.autorange": true, "yaxis4.autorange": true };
      for (const [path, value] of Object.entries(me.d.header.rows[me.row].layout)) update[path] = value;
      window.Plotly.relayout(plot, update);
    }, 150);
  }

  // Everything that depends on the rate: the row's run, texts, card, overview marker.
  function showRate() {
    const H = me.d.header, row = H.rows[me.row];
    me.run = runAt(me.row);
    me.frame = Math.min(me.frame, me.run.k);
    frameInput.max = String(me.run.k);
    frameInput.value = String(me.frame);
    $(".lrc-rate-value").textContent = number(row.lr);
    $(".lrc-line").innerHTML = row.line;
    const card = $(".lrc-card");
    card.className = "lrc-card " + row.card;
    card.dataset.status = row.status;
    $(".lrc-headline").innerHTML = row.headline;
    $(".lrc-detail").innerHTML = row.detail;
    showFrameLabel();
    const [x, y] = H.overview.at[me.row];
    if (me.plotted) window.Plotly.restyle(overview, { x: [[x]], y: [[y]] }, [1]);
  }
  const showFrameLabel = () => { $(".lrc-frame-label span").textContent = `${me.d.header.texts.step} ${me.frame}`; };

  // Send a state value once the gesture has ended, and only if it changed.
  function sendLater(name, value) {
    clearTimeout(me.timers[name]);
    me.timers[name] = setTimeout(() => {
      if (me.sent[name] === value || !me.setStateValue) return;
      me.sent[name] = value;
      stats.sends++;
      me.setStateValue(name, value);
    }, SEND_AFTER_MS);
  }

  rate.addEventListener("input", () => {
    me.index = Number(rate.value);
    me.row = me.index;
    clearTimeout(me.timers.rate_index); // still moving: no send yet
    showRate();
    draw(true);
  });
  rate.addEventListener("change", () => sendLater("rate_index", me.index));
  frameInput.addEventListener("input", () => {
    setPlaying(false, false);
    me.frame = Number(frameInput.value);
    showFrameLabel();
    draw(false);
  });
  frameInput.addEventListener("change", () => sendLater("frame", me.frame));

  // Playback: one play-through takes play_seconds / speed, whatever the rate does meanwhile.
  let last = 0, position = 0;
  function tick(now) {
    if (!me.playing) return;
    const k = me.run.k, perMs = (k / (me.d.header.play_seconds * 1000)) * me.speed;
    position = Math.min(k, position + (now - last) * perMs);
    last = now;
    if (Math.floor(position) !== me.frame) {
      me.frame = Math.floor(position);
      frameInput.value = String(me.frame);
      showFrameLabel();
      draw(false);
    }
    if (me.frame >= k) return setPlaying(false, false);
    requestAnimationFrame(tick);
  }
  function setPlaying(on, send) {
    me.playing = on;
    play.textContent = on ? me.d.header.texts.pause : me.d.header.texts.play;
    if (on) {
      if (me.frame >= me.run.k) me.frame = 0;
      position = me.frame;
      last = performance.now();
      requestAnimationFrame(tick);
    } else if (send) sendLater("frame", me.frame);
  }
  play.addEventListener("click", () => setPlaying(!me.playing, me.playing));
  speed.addEventListener("change", () => { me.speed = Number(speed.value); });

  // A click on the 2-D map while picking a start: the point under the pointer, in data units.
  plot.addEventListener("click", (event) => {
    const H = me.d && me.d.header;
    if (!H || !H.pick_start || !plot._fullLayout || !me.setTriggerValue) return;
    const xa = plot._fullLayout.xaxis, ya = plot._fullLayout.yaxis, area = plot.getBoundingClientRect();
    const px = event.clientX - area.left - xa._offset, py = event.clientY - area.top - ya._offset;
    if (px < 0 || py < 0 || px > xa._length || py > ya._length) return;
    me.setTriggerValue("start", [xa.p2d(px), ya.p2d(py)].map((v) => Number(v.toPrecision(4))));
  });

  // New data: decode, apply a new server request, draw (newPlot once, react after).
  me.update = async (bytes) => {
    const d = decode(bytes);
    const fresh = d.header.version !== me.version, first = me.version === null;
    const request = d.request, asked = request.nonce !== me.nonce;
    if (!fresh && !asked) return;
    if (fresh) {
      me.d = d;
      me.version = d.header.version;
      me.runs.clear();
      me.fig = typed(d.header.figure);
      me.layout = me.fig.layout;
      me.config = { displaylogo: false, responsive: true, modeBarButtonsToRemove: ["select2d", "lasso2d"] };
      const texts = d.header.texts;
      $(".lrc-rate-name").textContent = texts.lr;
      speed.innerHTML = d.header.speeds.map((v) => `<option value="${v}">${texts.speed} ${v}×</option>`).join("");
      speed.value = String(me.speed);
      rate.max = String(d.header.grid - 1);
      overview.title = texts.overview;
      box.classList.toggle("lrc-big", d.header.big);
      box.classList.toggle("lrc-pick", d.header.pick_start);
    }
    if (asked) { // the server moved the rate (a button, the exact box, a link): follow it
      me.nonce = request.nonce;
      me.index = request.index;
      me.sent.rate_index = request.index;
      if (first) { me.frame = request.frame; me.sent.frame = request.frame; }
    }
    me.row = request.selected !== null && me.index === request.index ? request.selected : me.index;
    rate.value = String(me.index);
    if (!me.playing) play.textContent = d.header.texts.play;
    let Plotly;
    try {
      Plotly = await loadPlotly();
    } catch (error) {
      if (me.setTriggerValue) me.setTriggerValue("failed", String(error.message || error));
      return;
    }
    showRate();
    if (!me.plotted) {
      stats.newPlots++;
      const { data, layout } = figure(true);
      await Plotly.newPlot(plot, data, layout, me.config);
      const ov = typed(d.header.overview.figure);
      await Plotly.newPlot(overview, ov.data, ov.layout, { displayModeBar: false, responsive: true });
      me.plotted = true;
      showRate();
    } else {
      if (fresh) {
        const ov = typed(d.header.overview.figure);
        await Plotly.react(overview, ov.data, ov.layout, { displayModeBar: false, responsive: true });
        showRate();
      }
      const { data, layout } = figure(true);
      await Plotly.react(plot, data, layout, me.config);
      plot.dataset.row = String(me.row);
    }
    box.classList.add("lrc-live");
    plot.dataset.ready = "1";
  };

  me.destroy = () => {
    me.playing = false;
    Object.values(me.timers).forEach(clearTimeout);
    if (window.Plotly) { window.Plotly.purge(plot); window.Plotly.purge(overview); }
    instances.delete(root);
  };
  return me;
}

export default function playgroundChart(component) {
  const { data, parentElement, setStateValue, setTriggerValue } = component;
  let me = instances.get(parentElement);
  if (!me) instances.set(parentElement, (me = createInstance(parentElement)));
  me.setStateValue = setStateValue; // always the latest callbacks
  me.setTriggerValue = setTriggerValue;
  me.update(data).catch((error) => console.error("playground chart:", error));
  return () => me.destroy();
}
