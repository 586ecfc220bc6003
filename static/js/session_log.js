// Keeps an unsaved session on the phone (localStorage) so a dropped connection loses nothing.
// The form's one-time key is kept too, so saving again after a drop can never log it twice.
// Fields marked data-draft-skip (the version the page was built from) are never kept.
(function () {
  "use strict";

  function fields(form) {
    const data = {};
    for (const el of form.elements) {
      if (!el.name || el.name === "csrfmiddlewaretoken" || "draftSkip" in el.dataset) continue;
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) continue;
      data[el.name] = el.value;
    }
    return data;
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

  function setUp(form) {
    const key = "sendhub-draft:" + form.dataset.draftKey;
    const saved = localStorage.getItem(key);
    if (saved) {
      try {
        restore(form, JSON.parse(saved));
        const note = form.querySelector("[data-restored-message]");
        if (note) note.classList.remove("d-none");
      } catch (e) {
        localStorage.removeItem(key);
      }
    }
    const keep = () => localStorage.setItem(key, JSON.stringify(fields(form)));
    form.addEventListener("input", keep);
    form.addEventListener("change", keep);
    form.addEventListener("submit", keep);
    form.addEventListener("htmx:sendError", () => showOffline(form));
    form.addEventListener("htmx:afterRequest", (event) => {
      const xhr = event.detail.xhr;
      if (event.detail.successful && xhr && xhr.getResponseHeader("HX-Redirect")) {
        localStorage.removeItem(key);
      }
    });
  }

  function showOffline(form) {
    const box = form.querySelector("[data-offline-message]");
    if (box) box.classList.remove("d-none");
  }

  function init(root) {
    root.querySelectorAll("form[data-draft-key]").forEach(setUp);
  }

  document.addEventListener("DOMContentLoaded", () => init(document));
  document.addEventListener("htmx:load", (event) => {
    const el = event.detail.elt;
    if (el.matches && el.matches("form[data-draft-key]")) setUp(el);
  });
})();
