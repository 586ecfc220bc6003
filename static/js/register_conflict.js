// A register the server sends back after a refused save (a colleague saved some pupils first)
// is the truth: it shows their entries beside yours. The phone's draft (session_log.js) would
// otherwise paint the older copy back over it, so the draft is replaced with what the page
// shows before that script restores it. Loaded before session_log.js; the htmx listener runs
// in the capture phase so it comes first for a swapped-in form too.
(function () {
  "use strict";

  function pageValues(form) {
    const data = {};
    for (const el of form.elements) {
      if (!el.name || el.name === "csrfmiddlewaretoken" || "draftSkip" in el.dataset) continue;
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) continue;
      data[el.name] = el.value;
    }
    return data;
  }

  function keepPage(form) {
    if (!form.matches || !form.matches("form[data-draft-key][data-draft-from-page]")) return;
    const key = "sendhub-draft:" + form.dataset.draftKey;
    localStorage.setItem(key, JSON.stringify(pageValues(form)));
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("form[data-draft-from-page]").forEach(keepPage);
  });
  document.addEventListener("htmx:load", (event) => keepPage(event.detail.elt), true);
})();
