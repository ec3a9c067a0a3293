// keys.js: the lessons page's clicker keys (a Streamlit components-v2 element, no iframe, no build).
//
// A presenter's clicker sends PageDown / PageUp (some send the arrow keys or space). This module
// listens for them on the whole document and tells the server "next" or "previous" through the
// trigger value "move" (a trigger fires once per press; keys.py turns it into a step).
//
// Focus on a control that is only pressed (a button, link, toggle, checkbox or radio button; a
// presenter has just clicked "Presentation mode") does not stop the keys: they move the step. Space
// there is left alone (the browser presses that control itself), and so are the arrow keys on a
// radio button or tab (they choose the neighbouring option).
// A control that takes keys of its own keeps them all: text and number boxes, a select box's search,
// text areas, anything editable, and sliders (Streamlit's and the playground chart's
// <input type=range>) reached by the keyboard. On such a slider that includes PageUp / PageDown:
// both Streamlit's slider and <input type=range> move by a large step on them (the ARIA slider
// pattern), so a student moving η by keyboard expects them there. A slider last pressed with the
// mouse or a finger (a presenter has just dragged η) keeps only its arrows, which nudge it; the
// clicker's PageDown / PageUp move the step, as they do everywhere else. Space moves the step on
// any slider: no slider takes it. Keys with Ctrl, Alt or Meta are the browser's.
//
// Streamlit calls the default export on mount and again on every rerun; one listener serves the
// page (kept on globalThis) and always calls the newest setTriggerValue.

const NEXT = new Set(["PageDown", "ArrowRight", " "]);
const PREVIOUS = new Set(["PageUp", "ArrowLeft"]);
const ARROWS = new Set(["ArrowLeft", "ArrowRight"]);
// Controls that take keys themselves (an <input> takes them unless its type is only pressed).
const TYPING = "select, textarea, [contenteditable=''], [contenteditable='true'], [role='slider'], " +
  "[role='combobox'], [role='listbox'], [role='spinbutton'], [role='textbox']";
const PRESSED_INPUTS = new Set(["checkbox", "radio", "button", "submit", "reset", "image"]);
const PRESSED = "button, a, summary, input, label, [role='button'], [role='switch'], [role='checkbox'], " +
  "[role='radio'], [role='tab'], [role='link']";
const CHOICES = "input[type='radio'], [role='radio'], [role='tab']"; // arrows pick a neighbour
const SLIDERS = "[role='slider'], input[type='range']";

const shared = (globalThis.__lrvizLessonKeys = globalThis.__lrvizLessonKeys ||
  { send: null, listening: false, pressed: null });

// Whether the focused control keeps this key (else the key moves the step). A slider keeps them all
// here (TYPING, or an <input> not only pressed); onSliderKey has already taken those it gives up.
function keepsKey(target, key) {
  if (!target) return false;
  if (target.closest(TYPING)) return true;
  const input = target.closest("input");
  if (input && !PRESSED_INPUTS.has((input.getAttribute("type") || "text").toLowerCase())) return true;
  if (ARROWS.has(key) && target.closest(CHOICES)) return true;
  return key === " " && Boolean(target.closest(PRESSED)); // the browser presses it
}

function moveOf(event) {
  if (!shared.send || event.ctrlKey || event.altKey || event.metaKey || event.defaultPrevented) return null;
  return NEXT.has(event.key) ? "next" : PREVIOUS.has(event.key) ? "previous" : null;
}

function onKey(event) {
  const move = moveOf(event);
  if (!move || keepsKey(event.target instanceof Element ? event.target : null, event.key)) return;
  event.preventDefault(); // no scrolling: the step changes instead
  shared.send(move);
}

// A slider's keys, taken before the slider's own handlers (Streamlit's slider moves on keydown
// itself, not as the key's default action): Space always, PageDown / PageUp on a slider last
// pressed with the mouse or a finger; its arrows stay its own.
function onSliderKey(event) {
  if (event.key === "Tab") shared.pressed = null; // focus moves by keyboard now
  const move = moveOf(event);
  const slider = move && event.target instanceof Element ? event.target.closest(SLIDERS) : null;
  if (!slider || ARROWS.has(event.key)) return;
  // The whole widget: Streamlit's track and thumb, or the <label> the chart's range sits in (its name).
  const widget = slider.closest("label, [data-testid='stSlider']") || slider;
  if (event.key !== " " && !widget.contains(shared.pressed)) return;
  event.preventDefault();
  event.stopPropagation();
  shared.send(move);
}

export default function lessonKeys(component) {
  const { setTriggerValue } = component;
  const send = (move) => setTriggerValue("move", move);
  shared.send = send;
  if (!shared.listening) {
    document.addEventListener("keydown", onKey);
    document.addEventListener("keydown", onSliderKey, true);
    // What the mouse or a finger pressed last: a slider pressed so is not one the keyboard reached.
    document.addEventListener("pointerdown", (event) => { shared.pressed = event.target; }, true);
    shared.listening = true;
  }
  return () => {
    if (shared.send === send) shared.send = null; // a newer mount keeps its own
  };
}
