// chart.js: the browser half of the playground's chart (Streamlit components v2, no iframe).
//
// The server sends every run the rate slider can reach (payload.py documents the bytes), so a
// move of the slider, a frame of playback or a drag of the frame slider is a redraw here,
// never a round trip. New steps, noise or seed (the chart's own settings) are fetched over HTTP
// (serve.py) and drawn before the server's script hears of them. The server hears back only on
// release (state values "rate_index", "frame" and "settings"), on a click that picks a start
// (trigger "start", sent once its runs, fetched too, are drawn), and if plotly.js cannot load (trigger "failed"; the page then shows its
// plain Plotly figure).
//
// How Streamlit drives this module (1.67): it arrives as text, becomes one blob: module per page
// (Streamlit keys it by the text's hash), and is imported once; the default export
// is called on mount and again whenever the data or the theme changes, with the same
// parentElement for as long as the element keeps its key. Cleanups of earlier calls are not
// run, so each parentElement keeps one instance (a WeakMap) and later calls only hand it data.
// setStateValue always asks for a rerun, so it is called once per release, after a short
// pause ("change" fires on every arrow-key press, not only on release).

const instances = new WeakMap(); // parentElement -> instance
const SEND_AFTER_MS = 600; // a burst of key presses is one release (a held key repeats every ~33 ms)
// Test and bench hooks: counters only, no behaviour hangs on them.
const stats = (globalThis.__lrviz = globalThis.__lrviz || { creates: 0, draws: 0, sends: 0, newPlots: 0, updateMs: null });

// plotly.min.js, copied from the installed plotly package into the component's asset directory,
// is served at <app>/_stcore/bidi-components/<NAME in __init__.py>/: one classic <script> per page,
// from the app's own origin. This module is a blob: URL (import.meta.url cannot find the folder),
// and the pages that mount the chart (/playground, /lessons) sit right under the app's root, so
// the route resolves beside the page's own address, under a base path too.
const PLOTLY_URL = "_stcore/bidi-components/lrviz.playground_chart/plotly.min.js";

// One load per page, shared by this module's two mounts (the chart, and the preloader at the page's
// top, chart.preload), each its own module instance: the promise is kept on the window.
function loadPlotly() {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  if (!window.__lrvizPlotly) {
    window.__lrvizPlotly = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = new URL(PLOTLY_URL, location.href).href;
      script.onload = () => resolve(window.Plotly);
      script.onerror = () => { window.__lrvizPlotly = null; reject(new Error("cannot load " + script.src)); };
      document.head.appendChild(script);
    });
  }
  return window.__lrvizPlotly;
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
const PLAIN_FROM = 1e-4; // verdict.PLAIN_FROM: 0.0001 as the slider writes it, 1.00e-05 below
export function number(v) { // verdict.number: 3 significant digits, no noise
  if (v === null || v === undefined || !Number.isFinite(v)) return v !== null && v > 0 ? "∞" : "—";
  if (v === 0) return "0";
  const tiny = Math.abs(v) < PLAIN_FROM && Math.abs(Number(formatE(v, 2))) < PLAIN_FROM; // not float32's 1e-4
  if (tiny || Math.abs(v) >= 9999.5) return formatE(v, 2);
  return formatG(v, Math.abs(v) >= 999.5 ? 4 : 3); // 1002, not 1e+03
}
export function numberAfterStep(v, old) { // verdict.number_after_step: 2.5 − 0.005 reads 2.495
  const step = Math.abs(v - old);
  if (!Number.isFinite(v) || !Number.isFinite(step) || step === 0 || v === 0) return number(v);
  const places = Math.min(Math.max(Math.floor(Math.log10(Math.abs(v))) - (Math.floor(Math.log10(step)) - 2) + 1, 3), 8);
  if (Math.abs(v) >= PLAIN_FROM && Math.abs(v) < 1e4) return formatG(v, places); // number()'s notation
  const [mantissa, exponent] = formatE(v, places - 1).split("e");
  return mantissa.replace(/\.?0+$/, "") + "e" + exponent;
}
const vector = (v) => (v.length === 1 ? number(v[0]) : "(" + Array.from(v, number).join(", ") + ")");
const vectorAfter = (v, old) => { // one step after old: the digits that show the step
  const each = Array.from(v, (x, i) => numberAfterStep(x, old[i]));
  return each.length === 1 ? each[0] : "(" + each.join(", ") + ")";
};

// ---- the payload: uint32 n | request JSON | uint32 m | header JSON | float32 arrays ----

function decode(bytes) {
  const r = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true);
  const request = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + r)));
  return { request, ...decodeRuns(bytes.subarray(4 + r)) };
}

// The cached part, uint32 m | header JSON | float32 arrays: also what serve.py answers alone.
function decodeRuns(bytes) {
  const h = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + h)));
  const body = bytes.slice(4 + h); // a copy, aligned for Float32Array
  const arrays = {};
  let at = 0;
  for (const [name, shape] of Object.entries(header.arrays)) {
    const size = shape.reduce((a, b) => a * b, 1);
    arrays[name] = new Float32Array(body.buffer, at * 4, size);
    at += size;
  }
  return { header, arrays };
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

// n values of a run, step by step, above their floor for a log axis (landscape.gap): each kept
// where positive; where one is 0 (the run landed exactly), it sits 1e-12 of the largest below,
// else at the smallest; but a 0 after the run fell more than twelve decades below its largest is
// float32 run out of numbers, not a landing: NaN, the line ends.
export function gap(n, value) {
  const values = Float64Array.from({ length: n }, (_, s) => value(s)); // each read once
  let lowest = Infinity, highest = -Infinity, touches = false;
  for (const g of values) {
    if (!Number.isFinite(g)) continue;
    if (g > 0) { lowest = Math.min(lowest, g); highest = Math.max(highest, g); } else touches = true;
  }
  const deep = touches ? 1e-12 * highest : 0; // below this, the run has fallen twelve decades
  if (lowest === Infinity) lowest = 1e-12; else if (touches) lowest = Math.min(lowest, 1e-12 * highest);
  let fell = false;
  return values.map((g) => {
    if (!Number.isFinite(g)) return NaN;
    if (g > 0) { fell = fell || g < deep; return Math.max(g, lowest); }
    return fell ? NaN : lowest;
  });
}

function runOf(d, row) {
  const { header: H, arrays: A } = d;
  const dim = H.dim, L = H.steps + 1, k = H.lengths[row] - 1;
  const [[xlo, xhi], [ylo, yhi]] = dim === 2 ? H.box : [H.box[0], [-Infinity, Infinity]];
  const point = (s) => A.points.subarray((row * L + s) * dim, (row * L + s + 1) * dim);
  const loss = (s) => A.losses[row * L + s];
  const lr = (s) => A.lrs[row * H.steps + s];
  const grad = (s) => A.grads.subarray((row * H.steps + s) * dim, (row * H.steps + s + 1) * dim);
  // The 1-D tangent's slope: the gradient, or the curve's own where that was not it (payload.py).
  const slope = A.slopes ? (s) => A.slopes[row * H.steps + s] : (s) => grad(s)[0];
  const inside = (p) => p.every(Number.isFinite) && p[0] >= xlo && p[0] <= xhi && (dim === 1 || (p[1] >= ylo && p[1] <= yhi));
  const x = new Float64Array(k + 1), y = new Float64Array(k + 1);
  for (let s = 0; s <= k; s++) {
    const p = point(s), on = inside(p);
    x[s] = on ? p[0] : NaN;
    y[s] = on ? (dim === 1 ? loss(s) : p[1]) : NaN;
  }
  // What the loss chart plots (landscape.gap): the loss above the lowest value, on a log axis.
  const shown = H.f_min !== null ? gap(k + 1, (s) => loss(s) - H.f_min)
    : Float64Array.from({ length: k + 1 }, (_, s) => (Number.isFinite(loss(s)) ? loss(s) : NaN));
  const rates = Float64Array.from({ length: k }, (_, s) => lr(s));
  const norms = gap(k, (s) => Math.hypot(...grad(s))); // a zero gradient, as a zero loss gap

  // A schedule-free run: where each gradient was taken (y), as the map draws it (payload.py).
  const gview = A.gradient_view
    ? (s) => A.gradient_view.subarray((row * L + s) * 2, (row * L + s + 1) * 2) : null;
  // The direction the step took: ∇L itself, or (θ_s − θ_{s+1}) / η_s in float32 as figures.py reads it.
  const direction = (s) => {
    if (H.rows[row].gradient) return grad(s);
    const rate = lr(s) > 0 ? lr(s) : 1, a = point(s), b = point(s + 1);
    return Array.from(a, (v, j) => Math.fround(Math.fround(v - b[j]) / rate));
  };
  return { k, x, y, shown, rates, norms, point, loss, lr, grad, slope, direction, inside, gview };
}

// The update of step s with its numbers (figures._Moving.rule).
function rule(d, row, run, s) {
  const step = d.header.texts.step, G = d.header.gradient; // ∇L, or g where noise or clipping changed it
  if (s >= run.k) return `<b>${step} ${s}</b><br>θ = ${vector(run.point(s))}`;
  if (run.gview) { // schedule-free (figures.schedule_free_rule): the gradient at y, z's step, the average x
    const y = (t) => run.gview(t).subarray(0, d.header.dim);
    return [`<b>${step} ${s} → ${s + 1}</b>`, "z ← z − η·d(y)", "x ← (1−c)·x + c·z", "y ← β·x + (1−β)·z",
      `η      = ${number(run.lr(s))}`, `y      = ${vector(y(s))}`, `${(G + "(y)").padEnd(6)} = ${vector(run.grad(s))}`,
      `x      = ${vector(run.point(s))}`, `x ←      ${vector(run.point(s + 1))}`,
      `y ←      ${vector(y(s + 1))}`].join("<br>");
  }
  const eta = run.lr(s), grad = d.header.rows[row].gradient, symbol = grad ? G : "d";
  const dir = run.direction(s);
  const lines = [`<b>${step} ${s} → ${s + 1}</b>`, `θ ← θ − η·${symbol}`, `η      = ${number(eta)}`,
    `${(G + "(θ)").padEnd(6)} = ${vector(run.grad(s))}`];
  if (!grad) lines.push(`d      = ${vector(dir)}`);
  lines.push(`θ      = ${vectorAfter(run.point(s), run.point(s + 1))}`, // the step's digits, as below
    `η·${symbol.padEnd(4)} = ${vector(Array.from(dir, (v) => Math.fround(eta * v)))}`,
    `θ − η·${symbol} = ${vectorAfter(run.point(s + 1), run.point(s))}`);
  return lines.join("<br>");
}

// ---- the ink: what moves is drawn on a canvas laid over plotly.js's chart ----
//
// plotly.js draws what stays put for a whole setting (the landscape, the axes, the critical
// rate) once. The run of the current rate and the current step (path, step charts, tail, step
// arrow, tangent, ball, markers) is drawn here on a canvas, in plotly.js's own axis geometry:
// a slider move or a frame of playback is a few milliseconds of canvas, painted in the next
// frame, where any plotly.js update waited a frame or two and laid out all four charts again.

// Data to pixels along one axis of plotly.js's laid-out figure, over `range` (its own by default;
// log axes count in log10, as plotly.js's ranges do). y grows downwards on screen.
function scale(ax, range, vertical) {
  const [r0, r1] = range || ax.range, log = ax.type === "log";
  return (v) => {
    const f = ((log ? Math.log10(v) : v) - r0) / (r1 - r0);
    return ax._offset + (vertical ? 1 - f : f) * ax._length;
  };
}

// A trace's look, as its spec gives it (presentation mode has already enlarged it).
function lookOf(trace) {
  const line = trace.line || {}, marker = trace.marker || {}, edge = marker.line || {};
  const last = (v) => (Array.isArray(v) ? v[v.length - 1] : v); // the arrow's sizes: [tail, head]
  return { color: line.color || marker.color, width: line.width ?? 2, dash: line.dash, opacity: trace.opacity ?? 1,
    size: last(marker.size), fill: marker.color, edge: edge.color, edgeWidth: edge.width || 0 };
}

function polyline(g, xs, ys, from, to, look) { // NaN breaks the line, as in plotly.js
  g.beginPath();
  let open = false;
  for (let i = from; i <= to; i++) {
    const x = xs(i), y = ys(i);
    if (!Number.isFinite(x) || !Number.isFinite(y)) { open = false; continue; }
    if (open) g.lineTo(x, y); else { g.moveTo(x, y); open = true; }
  }
  g.globalAlpha = look.opacity;
  g.strokeStyle = look.color;
  g.lineWidth = look.width;
  g.setLineDash(look.dash === "dot" ? [look.width, 1.5 * look.width] : []);
  g.lineJoin = g.lineCap = "round";
  g.stroke();
  g.setLineDash([]);
  g.globalAlpha = 1;
}

function dot(g, x, y, look, size = look.size) { // a plotly.js circle marker: size is its diameter
  if (!Number.isFinite(x) || !Number.isFinite(y)) return;
  g.beginPath();
  g.arc(x, y, size / 2, 0, 2 * Math.PI);
  g.fillStyle = look.fill;
  g.fill();
  if (look.edgeWidth) { g.lineWidth = look.edgeWidth; g.strokeStyle = look.edge; g.stroke(); }
}

function arrowHead(g, [x0, y0], [x1, y1], size, color) { // its tip on the point the step lands on
  const length = Math.hypot(x1 - x0, y1 - y0);
  if (!(length > 0.5)) return;
  const ux = (x1 - x0) / length, uy = (y1 - y0) / length, back = size * 0.8, half = size * 0.35;
  g.beginPath();
  g.moveTo(x1, y1);
  g.lineTo(x1 - back * ux - half * uy, y1 - back * uy + half * ux);
  g.lineTo(x1 - back * ux + half * uy, y1 - back * uy - half * ux);
  g.closePath();
  g.fillStyle = color;
  g.fill();
}

function cross(g, x, y, look, text, position, font) { // the "left the plot" mark and its label
  const r = look.size / 2;
  g.beginPath();
  g.moveTo(x - r, y - r); g.lineTo(x + r, y + r);
  g.moveTo(x - r, y + r); g.lineTo(x + r, y - r);
  g.strokeStyle = look.fill;
  g.lineWidth = look.edgeWidth;
  g.stroke();
  g.font = font;
  g.textAlign = position.endsWith("left") ? "right" : "left";
  g.textBaseline = "top";
  const tx = x + (position.endsWith("left") ? -r : r), size = parseFloat(font) || 12;
  text.split(/<br\s*\/?>/).forEach((line, i) => { // plotly.js's line breaks
    const ty = y + r / 2 + 1.25 * size * i;
    g.lineWidth = 3;
    g.strokeStyle = "rgba(255, 255, 255, 0.85)"; // a halo: readable on a light valley too
    g.strokeText(line, tx, ty);
    g.fillStyle = look.fill;
    g.fillText(line, tx, ty);
  });
}

// Everything that moves, for the current row and frame, on the canvas; the rule as HTML.
function paint(me) {
  const L = me.plot._fullLayout;
  if (!L || !me.run || !L.xaxis || !L.xaxis._length) return;
  const H = me.d.header, T = H.traces, run = me.run, s = me.frame, k = run.k, looks = me.looks;
  const canvas = me.canvas, ratio = window.devicePixelRatio || 1;
  if (canvas.width !== Math.round(L.width * ratio) || canvas.height !== Math.round(L.height * ratio)) {
    canvas.width = Math.round(L.width * ratio);
    canvas.height = Math.round(L.height * ratio);
    canvas.style.width = L.width + "px";
    canvas.style.height = L.height + "px";
  }
  const g = canvas.getContext("2d");
  g.setTransform(ratio, 0, 0, ratio, 0, 0);
  g.clearRect(0, 0, L.width, L.height);
  const within = (xa, ya, paintIt) => {
    g.save();
    g.beginPath();
    g.rect(xa._offset, ya._offset, xa._length, ya._length);
    g.clip();
    paintIt();
    g.restore();
  };

  // The surface: the whole path, the recent tail, the step arrow (and the 1-D tangent), the ball.
  const X = scale(L.xaxis), Y = scale(L.yaxis, null, true);
  const px = (i) => X(run.x[i]), py = (i) => Y(run.y[i]);
  within(L.xaxis, L.yaxis, () => {
    const path = looks[T.path];
    polyline(g, px, py, 0, k, path);
    if (k <= H.max_markers) {
      g.globalAlpha = path.opacity;
      for (let i = 0; i <= k; i++) dot(g, px(i), py(i), path);
      g.globalAlpha = 1;
    }
    if (run.gview) { // schedule-free: the faint dots where gradients were taken (y), a ring at this step's
      const look = looks[T.gradient], gx = (i) => X(run.gview(i)[0]), gy = (i) => Y(run.gview(i)[1]);
      g.globalAlpha = look.opacity;
      for (let i = 0; i <= k; i++) dot(g, gx(i), gy(i), look);
      g.globalAlpha = 1;
      if (Number.isFinite(gx(s)) && Number.isFinite(gy(s))) {
        g.beginPath();
        g.arc(gx(s), gy(s), look.size + 2, 0, 2 * Math.PI);
        g.lineWidth = 2;
        g.strokeStyle = look.fill;
        g.stroke();
      }
    }
    const exit = H.rows[me.row].exit;
    if (exit) cross(g, X(exit.x[0]), Y(exit.y[0]), looks[T.exit], exit.text[0], exit.textposition, me.font);
    polyline(g, px, py, Math.max(0, s - H.tail), s, looks[T.tail]);
    if (T.tangent !== null && s < k) { // where a linear model of the loss says the step lands
      const x0 = run.point(s)[0], x1 = run.point(s + 1)[0], l0 = run.loss(s);
      const ends = [[x0, l0], [x1, l0 + run.slope(s) * (x1 - x0)]];
      if (ends.every(([x]) => run.inside([x]))) {
        polyline(g, (i) => X(ends[i][0]), (i) => Y(ends[i][1]), 0, 1, looks[T.tangent]);
      }
    }
    const arrow = looks[T.arrow], to = Math.min(s + 1, k);
    polyline(g, px, py, s, to, arrow);
    arrowHead(g, [px(s), py(s)], [px(to), py(to)], arrow.size, arrow.color);
    dot(g, px(s), py(s), looks[T.head]);
  });

  // The step charts: loss, rate and gradient norm, in this row's ranges, with the frame's marker.
  const at = k > 0 ? Math.min(s, k - 1) : 0, layout = H.rows[me.row].layout;
  const series = [[run.shown, k, s], [run.rates, k - 1, at], [run.norms, k - 1, at]];
  series.forEach(([values, last, here], j) => {
    const n = j + 2, xa = L["xaxis" + n], ya = L["yaxis" + n];
    if (!xa || !ya) return;
    const sx = scale(xa, layout[`xaxis${n}.range`]), sy = scale(ya, layout[`yaxis${n}.range`], true);
    within(xa, ya, () => {
      polyline(g, sx, (i) => sy(values[i]), 0, last, looks[T.lines[j]]);
      if (last >= 0) dot(g, sx(here), sy(values[here]), looks[T.markers[j]]);
    });
  });

  // The update rule with this step's numbers, where the figure keeps its room (axes x5/y5).
  const rx = L.xaxis5, ry = L.yaxis5;
  if (rx && ry) {
    me.rule.style.left = rx._offset + "px";
    me.rule.style.top = ry._offset + "px";
    me.rule.style.maxWidth = rx._length + "px";
    me.rule.innerHTML = rule(me.d, me.row, run, s);
  }
}

// ---- one chart per parentElement ----

function createInstance(root) {
  stats.creates++;
  const $ = (selector) => root.querySelector(selector);
  const box = $(".lrc"), plot = $(".lrc-plot"), overview = $(".lrc-overview"), here = $(".lrc-here");
  const rate = $(".lrc-rate"), frameInput = $(".lrc-frame"), play = $(".lrc-play"), speed = $(".lrc-speed");
  const settingsBox = $(".lrc-settings");
  const me = {
    // frame: the step shown; wanted: the step chosen (the frame slider, playback, the link), which a
    // shorter run shows as its last step and a longer one after it shows again, as the link reopens.
    d: null, version: null, nonce: null, index: 0, row: 0, frame: 0, wanted: 0, playing: false, speed: 1,
    fig: null, run: null, runs: new Map(), sent: { rate_index: null, frame: null, settings: null, narrow: null }, timers: {},
    request: null, served: null, settings: null, start: null, moving: false, release: null, controls: null,
    fetched: new Map(), fetching: null, refetch: false, lastInput: 0, noRoute: false,
    setStateValue: null, setTriggerValue: null, plotted: false, axes: {}, touch: {}, picked: -Infinity,
    plot, canvas: $(".lrc-ink"), rule: $(".lrc-rule"), looks: null, font: "12px sans-serif",
  };

  const runAt = (row) => {
    if (!me.runs.has(row)) me.runs.set(row, runOf(me.d, row));
    return me.runs.get(row);
  };

  // The layout plotly.js gets: the base figure's, with the current row's step axes and the side
  // of its line the critical rate's label takes. A row names them as Plotly.relayout does:
  // "xaxis2.range", "annotations[3].yanchor".
  function layoutOf() {
    const layout = { ...me.fig.layout };
    me.axes = {};
    for (const [path, value] of Object.entries(me.d.header.rows[me.row].layout)) {
      me.axes[path] = JSON.stringify(value);
      const [head, key] = path.split(".");
      const item = head.match(/^(\w+)\[(\d+)\]$/);
      // A copy: plotly.js keeps the arrays it is given, and a zoom by hand writes into them.
      const v = value === null ? undefined : JSON.parse(me.axes[path]);
      if (item) {
        const list = [...(layout[item[1]] || [])];
        list[Number(item[2])] = { ...list[Number(item[2])], [key]: v };
        layout[item[1]] = list;
      } else {
        // The step axes take the row's ranges with every new payload, even after a zoom by hand
        // (the figure's uirevision keeps the map's zoom across settings, not theirs): so me.axes holds.
        layout[head] = { ...layout[head], [key]: v, uirevision: me.version };
      }
    }
    return layout;
  }

  // A redraw is a paint of the canvas, at once. The step charts' axes (ranges and ticks) follow
  // the rate once the slider rests: a relayout costs plotly.js a long task, a paint does not.
  function draw(withRow) {
    stats.draws++;
    paint(me);
    plot.dataset.row = String(me.row);
    plot.dataset.frame = String(me.frame);
    if (withRow) axesLater();
  }
  // Only what differs from the axes plotly.js has (me.axes): a tick mode or tick values named
  // again cost a relayout 22 ms instead of 7 (1-D, 500 steps), and most moves change only ranges.
  function axesLater(ms = 150) {
    clearTimeout(me.timers.axes);
    me.timers.axes = setTimeout(() => {
      const update = {};
      for (const [path, value] of Object.entries(me.d.header.rows[me.row].layout)) {
        const text = JSON.stringify(value);
        if (me.axes[path] !== text) { update[path] = JSON.parse(text); me.axes[path] = text; } // a copy
      }
      if (Object.keys(update).length) window.Plotly.relayout(plot, update); // afterplot repaints
    }, ms);
  }

  // Everything that depends on the rate: the row's run, texts, card, overview marker.
  function showRate() {
    const H = me.d.header, row = H.rows[me.row];
    me.run = runAt(me.row);
    me.frame = Math.min(me.wanted, me.run.k);
    frameInput.max = String(me.run.k);
    frameInput.value = String(me.frame);
    // As the line under it writes the rate (Python's :g): 1.001 and 0.0007, not 1 and 7.00e-04.
    $(".lrc-rate-value").textContent = formatG(row.lr, 6);
    $(".lrc-line").innerHTML = row.line;
    const card = $(".lrc-card");
    card.className = "lrc-card " + row.card;
    card.dataset.status = row.status;
    $(".lrc-headline").innerHTML = row.headline;
    $(".lrc-detail").innerHTML = row.detail;
    showFrameLabel();
    placeRing();
  }
  // The ring on the final-loss chart that follows the slider: a styled element, moved.
  function placeRing() {
    const L = overview._fullLayout;
    if (!L || !L.xaxis) return;
    const [x, y] = me.d.header.overview.at[me.row];
    here.style.left = scale(L.xaxis)(x) + "px";
    here.style.top = scale(L.yaxis, null, true)(y) + "px";
    here.hidden = false;
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
    me.frame = me.wanted = Number(frameInput.value);
    showFrameLabel();
    draw(false);
  });
  frameInput.addEventListener("change", () => sendLater("frame", me.frame));

  // The chart's own settings (steps, noise, seed): the runs at the new settings are fetched and
  // drawn at once (serve.py answers what the fragment would send), and the settings are sent on
  // release, numbered, so the link, the code and the share row follow. While the student is still
  // moving them, or until the server's data says it took the last release (``request.release``),
  // the server's data is kept (``me.served``) but not drawn: it is from a run that started before.
  // A start picked on the map takes the same road (its click handler, below).
  const sameSettings = (a, b) => a !== null && b !== null && Object.keys(a).every((k) => a[k] === b[k]);
  const shown = (spec, v) => (spec.step < 1 ? formatG(v, 3) : String(v));
  const held = () => !me.moving && me.served !== null && me.served.request.release >= me.release;

  function buildControls(specs, lang) { // once per language: a rebuild mid-drag would drop the thumb
    settingsBox.replaceChildren();
    me.controls = { lang, inputs: {} };
    for (const spec of specs) {
      const label = document.createElement("label"), name = document.createElement("span");
      const input = document.createElement("input");
      label.className = "lrc-" + spec.kind;
      if (spec.help) label.title = spec.help;
      input.type = spec.kind;
      input.className = "lrc-setting lrc-" + spec.name;
      [input.min, input.max, input.step] = [spec.min, spec.max, spec.step].map(String);
      label.append(name, input);
      settingsBox.append(label);
      me.controls.inputs[spec.name] = { spec, input, name };
      // A slider answers as it moves; a box once its number is in (Enter, or leaving it).
      input.addEventListener(spec.kind === "range" ? "input" : "change", () => take(spec.name));
      if (spec.kind === "range") input.addEventListener("change", sendSettings);
    }
    const refused = document.createElement("div");
    refused.className = "lrc-refused";
    refused.hidden = true;
    settingsBox.append(refused);
    me.controls.refused = refused;
  }
  function showSettings() { // the inputs and their labels, as me.settings holds them
    for (const { spec, input, name } of Object.values(me.controls.inputs)) {
      input.value = String(me.settings[spec.name]);
      // The seed draws the noise: with none, it changes nothing, and its label says so.
      input.disabled = spec.name === "seed" && me.settings.noise === 0;
      const label = spec.label.replace("{value}", shown(spec, me.settings[spec.name]));
      name.textContent = input.disabled ? spec.off : label;
    }
  }
  function take(key) {
    const { spec, input } = me.controls.inputs[key];
    const value = Number(input.value), refused = me.controls.refused;
    refused.hidden = true;
    const whole = Number.isInteger(spec.step);
    if (input.value.trim() === "" || !Number.isFinite(value) || value < spec.min || value > spec.max ||
        (whole && !Number.isInteger(value))) { // as the sidebar's boxes refuse it: the last value kept
      if (input.value.trim() !== "" || input.validity.badInput) { // text that is no number reads ""
        refused.textContent = spec.refused;
        refused.hidden = false;
      }
      input.value = String(me.settings[key]);
      return;
    }
    if (value === me.settings[key]) return;
    me.settings = { ...me.settings, [key]: value };
    me.moving = true;
    me.lastInput = performance.now();
    clearTimeout(me.timers.settings); // still moving: no send yet
    showSettings();
    if (me.request.runs !== null && !me.noRoute) fetchRuns();
    if (spec.kind !== "range") sendSettings();
  }
  function sendSettings() {
    clearTimeout(me.timers.settings);
    me.timers.settings = setTimeout(() => {
      me.moving = false;
      if (sameSettings(me.sent.settings, me.settings)) { // back where the server is (500 → 510 → 500)
        if (held()) adopt(me.served);
        return;
      }
      me.sent.settings = me.settings;
      me.release += 1;
      stats.sends++;
      if (me.setStateValue) me.setStateValue("settings", { ...me.settings, release: me.release });
    }, SEND_AFTER_MS);
  }

  const KEEP_FETCHED = 4; // payloads kept by address: back and forth between two settings asks once
  const REST_MS = 120; // in a drag, the next runs are asked for once the thumb rests this long
  const sleep = (ms) => new Promise((done) => setTimeout(done, ms));
  function runsUrl() {
    const asked = new URLSearchParams(me.request.runs);
    for (const [k, v] of Object.entries(me.settings)) asked.set(k, String(v));
    if (me.start) asked.set("start", me.start.join(","));
    return new URL(`_lrviz/runs?${asked}`, location.href).href;
  }
  // One request at a time; the latest settings are asked for when it returns (in a drag, once the
  // thumb rests: a drag asks for two or three sweeps, not one per frame). Returns the loop's promise.
  function fetchRuns() {
    if (me.fetching) { me.refetch = true; return me.fetching; }
    me.fetching = (async () => {
      try {
        do {
          me.refetch = false;
          const url = runsUrl();
          let bytes = me.fetched.get(url);
          if (!bytes) {
            const response = await fetch(url);
            if (response.status === 404) me.noRoute = true; // a page served alone: releases only
            if (!response.ok) throw new Error(`${response.status} from ${url}`);
            bytes = new Uint8Array(await response.arrayBuffer());
            me.fetched.set(url, bytes);
            if (me.fetched.size > KEEP_FETCHED) me.fetched.delete(me.fetched.keys().next().value);
          }
          // Drawn even if the slider moved on meanwhile (it shows where the drag is going), unless
          // the server has taken the release and sent its own data since.
          if (!held()) await show({ ...decodeRuns(bytes), request: { ...me.request, nonce: me.nonce } });
          while (me.refetch && performance.now() - me.lastInput < REST_MS) await sleep(REST_MS);
        } while (me.refetch);
      } catch (error) { // the release still reaches the server, whose rerun sends the runs
        console.error("playground chart:", error);
      } finally {
        me.fetching = null;
      }
    })();
    return me.fetching;
  }

  // Playback: one play-through takes play_seconds / speed, whatever the rate does meanwhile.
  let last = 0, position = 0;
  function tick(now) {
    if (!me.playing) return;
    const k = me.run.k, perMs = (k / (me.d.header.play_seconds * 1000)) * me.speed;
    position = Math.min(k, position + (now - last) * perMs);
    last = now;
    if (Math.floor(position) !== me.frame) {
      me.frame = me.wanted = Math.floor(position);
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
      if (me.frame >= me.run.k) me.frame = me.wanted = 0;
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
    // On a phone a tap clicks twice (plotly.js's click, then the browser's): one start is sent.
    if (performance.now() - me.picked < 400) return;
    me.picked = performance.now();
    const point = [xa.p2d(px), ya.p2d(py)].map((v) => Number(v.toPrecision(4)));
    // Its runs first, drawn at once; then the page reruns (the sidebar's start boxes show it).
    me.start = point;
    me.moving = true;
    const send = () => {
      me.moving = false;
      me.release += 1;
      me.setTriggerValue("start", { point, release: me.release });
    };
    if (me.request.runs === null || me.noRoute) send();
    else fetchRuns().then(send);
  });

  // Hover on the map or curve: the step nearest the pointer (within 10 px), its point and loss.
  // The path is canvas ink, which plotly.js's own hover cannot see.
  const tip = $(".lrc-tip");
  plot.addEventListener("mousemove", (event) => {
    const L = plot._fullLayout, run = me.run;
    tip.hidden = true;
    if (!L || !L.xaxis || !run) return;
    const area = plot.getBoundingClientRect(), mx = event.clientX - area.left, my = event.clientY - area.top;
    const xa = L.xaxis, ya = L.yaxis;
    if (mx < xa._offset || mx > xa._offset + xa._length || my < ya._offset || my > ya._offset + ya._length) return;
    const X = scale(xa), Y = scale(ya, null, true);
    let nearest = -1, best = 100; // squared pixels
    for (let i = 0; i <= run.k; i++) {
      const dx = X(run.x[i]) - mx, dy = Y(run.y[i]) - my;
      if (dx * dx + dy * dy < best) { nearest = i; best = dx * dx + dy * dy; }
    }
    if (nearest < 0) return;
    tip.textContent = `${me.d.header.texts.step} ${nearest}\nθ = ${vector(run.point(nearest))}\n` +
      `L = ${number(run.loss(nearest))}`;
    tip.style.left = `${Math.min(mx + 12, xa._offset + xa._length - 120)}px`;
    tip.style.top = `${my + 12}px`;
    tip.hidden = false;
  });
  plot.addEventListener("mouseleave", () => { tip.hidden = true; });

  // New data from the server: decode, keep its request, draw. While settings of the student's are
  // on their way to the server, data for others comes from a run that started before they left.
  me.update = async (bytes) => {
    const d = decode(bytes);
    me.served = d;
    if (me.release === null) me.release = d.request.release;
    if (held()) return adopt(d);
  };
  // The server's data, drawn: its request, its settings (the controls show them), its runs.
  function adopt(d) {
    me.request = d.request;
    me.settings = me.sent.settings = d.request.settings;
    me.start = null; // the link's own (in request.runs), until a click picks another
    if (!me.controls || me.controls.lang !== d.header.lang) buildControls(d.header.controls, d.header.lang);
    showSettings();
    return show(d);
  }

  // New runs (the server's, or fetched) or a new request: apply, draw (newPlot once, react after).
  async function show(d) {
    const started = performance.now();
    const fresh = d.header.version !== me.version, first = me.version === null;
    const request = d.request, asked = request.nonce !== me.nonce;
    if (!fresh && !asked) return;
    if (fresh) {
      me.d = d;
      me.version = d.header.version;
      me.runs.clear();
      const fig = typed(d.header.figure); // the traces in header.drawn come empty: the canvas draws them
      me.looks = Object.fromEntries(d.header.drawn.map((i) => [i, lookOf(fig.data[i])]));
      me.fig = fig;
      const ruleFont = fig.data[d.header.traces.rule].textfont || {};
      me.rule.style.fontSize = (ruleFont.size || 12) + "px";
      // On a phone the figures leave a drag to the page (theme.figure). A tap then reaches plotly.js
      // twice, as touches and as the mouse events the browser makes of them, which it reads as a
      // double-click (an autorange): none there, and no button that turns drag-to-zoom back on.
      me.touch = d.header.narrow ? { doubleClick: false } : {};
      const drags = d.header.narrow ? ["zoom2d", "pan2d"] : [];
      me.config = { displaylogo: false, responsive: true, ...me.touch,
        modeBarButtonsToRemove: ["select2d", "lasso2d", "sendChartToCloud", ...drags] };
      const texts = d.header.texts;
      $(".lrc-rate-name").textContent = texts.lr;
      speed.innerHTML = d.header.speeds.map((v) => `<option value="${v}">${texts.speed} ${v}×</option>`).join("");
      speed.value = String(me.speed);
      rate.max = String(d.header.grid - 1);
      overview.title = texts.overview;
      $(".lrc-legend").innerHTML = d.header.overview.legend; // the server's HTML, its words escaped
      box.classList.toggle("lrc-big", d.header.big);
      box.classList.toggle("lrc-pick", d.header.pick_start);
    }
    if (asked) { // the server moved the rate (a button, the exact box, a link): follow it
      me.nonce = request.nonce;
      me.index = request.index;
      // A release still waiting to be sent is older than this move: sent now, it undid it (a lesson's
      // "Back to this step's settings" clicked within 0.6 s of a key on the slider snapped to a stop).
      clearTimeout(me.timers.rate_index);
      // Shown as an exact rate's own row, the stop nearest it is not what the page holds: a release
      // there is sent (a student who halves 1.05 and then picks 0.5 means 0.5).
      me.sent.rate_index = request.selected === null ? request.index : null;
      if (first) me.frame = me.wanted = me.sent.frame = request.frame;
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
    if (fresh) { // plotly.js's own tips and notices in the page's language
      Plotly.register({ moduleType: "locale", name: d.header.lang, dictionary: d.header.plotly_words });
      me.config.locale = d.header.lang;
    }
    showRate();
    const small = { displayModeBar: false, responsive: true, ...me.touch };
    const newly = !me.plotted;
    if (newly) {
      stats.newPlots++;
      await Plotly.newPlot(plot, me.fig.data, layoutOf(), me.config);
      await Plotly.newPlot(overview, ...overviewOf(d), small);
      plot.on("plotly_afterplot", () => paint(me)); // a resize or a new layout: the canvas follows
      // A zoom or pan by hand names what it moved ("xaxis2.range[0]", "xaxis2.autorange"), not
      // what a row sets: forget what the axes hold, so the next row sets all of it again.
      plot.on("plotly_relayout", (change) => {
        if (Object.keys(change).some((path) => !(path in me.axes))) me.axes = {};
      });
      overview.on("plotly_afterplot", placeRing);
      me.plotted = true;
    } else if (fresh && d.header.figure_version !== me.figureVersion) { // a new surface, view or look
      await Plotly.react(plot, me.fig.data, layoutOf(), me.config);
    } else if (fresh || asked) { // the same picture: the row's step axes and label follow the paint
      // of the new runs (a relayout is a long task: 10-20 ms in 2-D), as they follow a drag
      requestAnimationFrame(() => axesLater(0));
    }
    me.figureVersion = d.header.figure_version;
    placeRing();
    const font = plot._fullLayout.font;
    me.font = `${font.size}px ${font.family}`;
    me.rule.style.color = font.color;
    draw(false);
    stats.updateMs = performance.now() - started; // data in to canvas painted (bench hook)
    reportWidth();
    box.classList.add("lrc-live");
    plot.dataset.version = me.version;
    plot.dataset.ready = "1";
    // The final-loss chart under it follows once the new runs are on screen.
    if (fresh && !newly) {
      requestAnimationFrame(() => setTimeout(() => {
        if (me.version === d.header.version) Plotly.react(overview, ...overviewOf(d), small);
      }));
    }
  }
  const overviewOf = (d) => { const ov = typed(d.header.overview.figure); return [ov.data, ov.layout]; };

  // A window too narrow for the map beside the step charts (a desktop browser at half a screen) asks
  // for the phone's one column, and one widened again for the wide layout: a state value, and the
  // page reruns once (the quick-rate buttons above follow). A phone's user agent gets the one column from the first run (and keeps
  // it turned sideways): a wide phone says nothing, a window says "wide" only after "narrow".
  const NARROW_PX = 600;
  function reportWidth() {
    const width = box.clientWidth, narrow = width < NARROW_PX;
    if (!width || !me.d || !me.setStateValue) return;
    if (narrow === me.d.header.narrow || narrow === me.sent.narrow || (!narrow && me.sent.narrow !== true)) return;
    me.sent.narrow = narrow;
    me.setStateValue("narrow", narrow);
  }
  const onResize = () => { clearTimeout(me.timers.width); me.timers.width = setTimeout(reportWidth, 300); };
  window.addEventListener("resize", onResize);

  me.destroy = () => {
    me.playing = false;
    window.removeEventListener("resize", onResize);
    Object.values(me.timers).forEach(clearTimeout);
    if (window.Plotly) { window.Plotly.purge(plot); window.Plotly.purge(overview); }
    instances.delete(root);
  };
  return me;
}

export default function playgroundChart(component) {
  const { data, parentElement, setStateValue, setTriggerValue } = component;
  if (data && data.preload) { // the preloader at the page's top (chart.preload): plotly.js early
    loadPlotly().catch(() => {}); // a failure is the chart's to report, when it asks again
    return undefined;
  }
  let me = instances.get(parentElement);
  if (!me) instances.set(parentElement, (me = createInstance(parentElement)));
  me.setStateValue = setStateValue; // always the latest callbacks
  me.setTriggerValue = setTriggerValue;
  me.update(data).catch((error) => console.error("playground chart:", error));
  return () => me.destroy();
}
