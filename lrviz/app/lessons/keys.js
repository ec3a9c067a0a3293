// keys.js: the lessons page's clicker keys (a Streamlit components-v2 element, no iframe, no build).
//
// A presenter's clicker sends PageDown / PageUp (some send the arrow keys or space). This module
// listens for them on the whole document and tells the server "next" or "previous" through the
// trigger value "move" (a trigger fires once per press; keys.py turns it into a step).
//
// Keys typed into a control are left alone: text boxes, number boxes, select boxes, text areas,
// sliders (Streamlit's and the playground chart's <input type=range>) and anything editable.
// Space on a button or link is left alone too: the browser presses that button itself.
// Keys with Ctrl, Alt or Meta are the browser's.
//
// Streamlit calls the default export on mount and again on every rerun; one listener serves the
// page (kept on globalThis) and always calls the newest setTriggerValue.

const NEXT = new Set(["PageDown", "ArrowRight", " "]);
const PREVIOUS = new Set(["PageUp", "ArrowLeft"]);
const TYPING = "input, select, textarea, [contenteditable=''], [contenteditable='true'], [role='slider'], " +
  "[role='combobox'], [role='listbox'], [role='spinbutton'], [role='textbox']";

const shared = (globalThis.__lrvizLessonKeys = globalThis.__lrvizLessonKeys || { send: null, listening: false });

function onKey(event) {
  if (!shared.send || event.ctrlKey || event.altKey || event.metaKey || event.defaultPrevented) return;
  const move = NEXT.has(event.key) ? "next" : PREVIOUS.has(event.key) ? "previous" : null;
  if (!move) return;
  const target = event.target instanceof Element ? event.target : null;
  if (target && target.closest(TYPING)) return; // typed into a control
  if (event.key === " " && target && target.closest("button, a, summary")) return; // the browser presses it
  event.preventDefault(); // no scrolling: the step changes instead
  shared.send(move);
}

export default function lessonKeys(component) {
  const { setTriggerValue } = component;
  const send = (move) => setTriggerValue("move", move);
  shared.send = send;
  if (!shared.listening) {
    document.addEventListener("keydown", onKey);
    shared.listening = true;
  }
  return () => {
    if (shared.send === send) shared.send = null; // a newer mount keeps its own
  };
}
