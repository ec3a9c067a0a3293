// copy_link.js: the "Copy link" button of every demo page (lrviz/app/kit/share.py mounts it,
// Streamlit components v2, no iframe, handed over as text: no build step, nothing fetched).
//
// data = { link, label, copied, failed }: the page's link and the words, in the page's language.
// A click puts the link on the clipboard and says so beside the button. The Clipboard API needs a
// secure context (https or localhost); on a plain-http lecture-hall server the old
// execCommand("copy") on a selected, off-screen text area still works in most browsers; where
// neither does, the line says to copy the link from the code block the page shows under it.
//
// Streamlit calls the default export on mount and whenever the data changes, with the same
// parentElement: the click handler reads the latest data from it, so it is bound only once.

function copyBySelection(text) {
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.style.position = "fixed";
  area.style.left = "-9999px";
  document.body.appendChild(area);
  area.select();
  let done = false;
  try {
    done = document.execCommand("copy");
  } catch (error) {
    done = false;
  }
  area.remove();
  return done;
}

async function copy(text) {
  if (navigator.clipboard && window.isSecureContext) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch (error) {
      // refused (no permission, no focus): try the selection below
    }
  }
  return copyBySelection(text);
}

export default function copyLink({ parentElement, data }) {
  const button = parentElement.querySelector("button.lrv-copy");
  const said = parentElement.querySelector(".lrv-said");
  button.textContent = data.label;
  button.dataset.link = data.link; // read at click time: always the latest link
  button.dataset.copied = data.copied;
  button.dataset.failed = data.failed;
  if (!button.dataset.bound) {
    button.dataset.bound = "1";
    button.addEventListener("click", async () => {
      const ok = await copy(button.dataset.link);
      said.textContent = ok ? button.dataset.copied : button.dataset.failed;
      said.className = ok ? "lrv-said lrv-ok" : "lrv-said lrv-no";
    });
  }
}
