// Small behaviours of the concern form (the form works without them).
(() => {
  document.addEventListener("DOMContentLoaded", () => {
    const form = document.querySelector("[data-concern-form]");
    if (!form) {
      return;
    }
    // Enter in a one-line field would "click" the first button (Search): in the search box that
    // is what people want; anywhere else it would send the form early, so it does nothing.
    form.addEventListener("keydown", (event) => {
      const target = event.target;
      if (
        event.key === "Enter" &&
        target instanceof HTMLInputElement &&
        target.type !== "search" &&
        target.type !== "submit"
      ) {
        event.preventDefault();
      }
    });
    // A search answer that arrives after its box was cleared (a pupil was added meanwhile, on a
    // slow connection) is stale: showing it would list that pupil again as if not yet added.
    document.body.addEventListener("htmx:beforeSwap", (event) => {
      const search = document.getElementById("id_q");
      const target = event.detail.target;
      if (target && target.id === "pupil-results" && search && !search.value.trim()) {
        event.detail.shouldSwap = false;
        target.replaceChildren();
      }
    });
    // After a pupil is added (htmx), clear the search and move to their first question.
    document.body.addEventListener("htmx:afterSwap", (event) => {
      if (event.detail.target && event.detail.target.id === "linked-pupils") {
        const results = document.getElementById("pupil-results");
        const search = document.getElementById("id_q");
        if (results) {
          results.replaceChildren();
        }
        if (search) {
          search.value = "";
        }
        const selects = event.detail.target.querySelectorAll("select");
        if (selects.length) {
          selects[selects.length - 1].focus();
        }
      }
    });
  });
})();
