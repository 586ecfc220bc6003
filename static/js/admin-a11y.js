// Django's admin, named for screen readers (issue #20). The search-as-you-type boxes that
// autocomplete_fields draw (select2) are named by the field's label: select2's own markup points
// at the chosen value, which is empty until something is chosen.
function nameAutocompletes(root) {
  root.querySelectorAll("select.admin-autocomplete").forEach((select) => {
    const label = document.querySelector(`label[for="${select.id}"]`);
    const box = select.nextElementSibling;
    if (!label || !box || !box.classList.contains("select2")) {
      return;
    }
    if (box.dataset.named) {
      return;
    }
    box.dataset.named = "";
    if (!label.id) {
      label.id = `${select.id}-label`;
    }
    const combobox = box.querySelector(".select2-selection");
    const rendered = box.querySelector(".select2-selection__rendered");
    if (combobox) {
      const shown = rendered && rendered.id ? ` ${rendered.id}` : "";
      combobox.setAttribute("aria-labelledby", `${label.id}${shown}`);
    }
    if (rendered) {
      rendered.setAttribute("aria-labelledby", label.id);
    }
  });
}

// autocomplete.js draws the boxes on jQuery's ready (after a timer) and for each added inline
// row: name every box as it appears.
nameAutocompletes(document);
new MutationObserver(() => nameAutocompletes(document)).observe(document.body, {
  childList: true,
  subtree: true,
});
