// Keeps an unsaved session on the phone (localStorage) so a dropped connection loses nothing.
// The form's one-time key is kept too, so saving again after a drop can never log it twice;
// the draft goes once the server confirms the save, so the next log gets a new key.
// Fields marked data-draft-skip (the version the page was built from) are never kept.
// A form marked data-draft-from-page (a register the server sent back after a refused save: a
// colleague saved some pupils first) is the truth, their entries beside yours, so what the page
// shows replaces the draft before any draft is restored; a form htmx swaps in is kept as shown anyway.
(function () {
  "use strict";

  const PREFIX = "sendhub-draft:";

  function fields(form) {
    const data = {};
    for (const el of form.elements) {
      if (!el.name || el.name === "csrfmiddlewaretoken" || "draftSkip" in el.dataset) continue;
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) continue;
      data[el.name] = el.value;
    }
    return data;
  }

  // What the form shows now becomes its draft.
  function keepPage(form) {
    localStorage.setItem(PREFIX + form.dataset.draftKey, JSON.stringify(fields(form)));
  }

  function restore(form, data) {
    for (const el of form.elements) {
      if (!el.name || !(el.name in data) || el.name === "csrfmiddlewaretoken") continue;
      if ("draftSkip" in el.dataset) continue; // what the server last showed, never an old copy
      if (el.type === "radio") el.checked = el.value === data[el.name];
      else if (el.type === "checkbox") el.checked = true;
      else el.value = data[el.name];
    }
  }

  // A draft whose one-time key the server lists as used was saved (a plain form post, or a
  // page that navigated away before the phone heard back): drop it wherever it is kept.
  function forgetUsed(form) {
    const used = new Set((form.dataset.usedKeys || "").split(/\s+/).filter(Boolean));
    if (!used.size) return;
    for (let i = localStorage.length - 1; i >= 0; i--) {
      const name = localStorage.key(i);
      if (!name || !name.startsWith(PREFIX)) continue;
      try {
        const data = JSON.parse(localStorage.getItem(name));
        if (data && used.has(data.client_key)) localStorage.removeItem(name);
      } catch (e) {
        localStorage.removeItem(name);
      }
    }
  }

  function setUp(form, swapped) {
    const key = PREFIX + form.dataset.draftKey;
    const keep = () => keepPage(form);
    forgetUsed(form);
    const saved = localStorage.getItem(key);
    if (swapped) {
      // The server sent the form back (errors, a colleague's entries, perhaps a fresh key):
      // what it shows is now the draft, never an older copy over it.
      keep();
      // Save sits at the foot of a long form: bring the first message to where the person is.
      const message = form.querySelector(".alert-danger, .text-danger");
      if (message) message.scrollIntoView({ block: "center" });
    } else if (saved) {
      try {
        restore(form, JSON.parse(saved));
        const note = form.querySelector("[data-restored-message]");
        if (note) note.classList.remove("d-none");
      } catch (e) {
        localStorage.removeItem(key);
      }
    }
    form.addEventListener("input", keep);
    form.addEventListener("change", keep);
    form.addEventListener("submit", keep);
    form.addEventListener("htmx:sendError", () => showOffline(form));
    form.addEventListener("htmx:afterRequest", (event) => {
      // htmx leaves detail.successful unset when it follows HX-Redirect, so read the answer itself.
      const xhr = event.detail.xhr;
      if (xhr && xhr.status >= 200 && xhr.status < 300 && xhr.getResponseHeader("HX-Redirect")) {
        localStorage.removeItem(key);
      }
    });
  }

  function showOffline(form) {
    const box = form.querySelector("[data-offline-message]");
    if (box) box.classList.remove("d-none");
  }

  function init(root) {
    // The page's own copy first, so setUp restores it rather than an older draft.
    root.querySelectorAll("form[data-draft-key][data-draft-from-page]").forEach(keepPage);
    root.querySelectorAll("form[data-draft-key]").forEach((form) => setUp(form, false));
  }

  document.addEventListener("DOMContentLoaded", () => init(document));
  document.addEventListener("htmx:load", (event) => {
    const el = event.detail.elt;
    if (el.matches && el.matches("form[data-draft-key]")) setUp(el, true);
  });
})();
