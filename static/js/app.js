// SEND Hub's small behaviours. No inline scripts anywhere: the CSP forbids them.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-print]");
  if (button) {
    window.print();
  }
});

// One-time form keys (send_hub/lib/form_keys.py): a POST form sent twice, by a double tap or a
// resend after the signal drops, saves once. Forms the server rendered carry a key already; any
// other POST form (htmx ones too) gets one at its first submit and keeps it for every resend.
// Capturing on the document runs before htmx reads the form's values.
function newFormKey() {
  if (window.crypto && crypto.randomUUID) {
    return crypto.randomUUID();
  }
  // randomUUID needs HTTPS; getRandomValues does not (a school's test server on plain HTTP).
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

document.addEventListener(
  "submit",
  (event) => {
    const form = event.target;
    const posts = form.method === "post" || form.hasAttribute("hx-post");
    if (!posts || form.querySelector('input[name="form_key"]')) {
      return;
    }
    const input = document.createElement("input");
    input.type = "hidden";
    input.name = "form_key";
    input.value = newFormKey();
    form.appendChild(input);
  },
  true,
);
