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

// A table wider than the screen scrolls sideways inside .table-responsive. Keyboard users can
// only scroll it if it takes focus, and a screen reader says what it is if it is a named region
// (WCAG 2.1.1, 4.1.2): name it after its caption or its section's heading. Only while it
// scrolls, so a table that fits adds no stop to the tab order.
function tableName(region) {
  const caption = region.querySelector("caption");
  if (caption && caption.textContent.trim()) {
    return caption.textContent.trim();
  }
  const section = region.closest("section[aria-labelledby], section[aria-label]");
  if (section) {
    const label = section.getAttribute("aria-label");
    const heading = document.getElementById(section.getAttribute("aria-labelledby") || "");
    if (label || heading) {
      return label || heading.textContent.trim();
    }
  }
  let node = region;
  while (node && node !== document.body) {
    let sibling = node.previousElementSibling;
    while (sibling) {
      const heading = sibling.matches("h1, h2, h3, h4")
        ? sibling
        : sibling.querySelector("h1, h2, h3, h4");
      if (heading && heading.textContent.trim()) {
        return heading.textContent.trim();
      }
      sibling = sibling.previousElementSibling;
    }
    node = node.parentElement;
  }
  return "Table";
}

function markScrollingTables() {
  document.querySelectorAll(".table-responsive").forEach((region) => {
    const scrolls =
      region.scrollWidth > region.clientWidth || region.scrollHeight > region.clientHeight;
    if (scrolls && !region.hasAttribute("tabindex")) {
      region.setAttribute("tabindex", "0");
      region.setAttribute("role", "region");
      region.setAttribute("aria-label", `${tableName(region)} (scrolls sideways)`);
      region.dataset.scrollRegion = "";
    } else if (!scrolls && region.dataset.scrollRegion !== undefined) {
      region.removeAttribute("tabindex");
      region.removeAttribute("role");
      region.removeAttribute("aria-label");
      delete region.dataset.scrollRegion;
    }
  });
}

document.addEventListener("DOMContentLoaded", markScrollingTables);
window.addEventListener("resize", markScrollingTables);
document.addEventListener("htmx:afterSettle", markScrollingTables);

// Errors people hear (issue #20, after the GOV.UK error summary): a form sent back with errors
// gets a summary at the top of the page, announced (role alert) and focused, each message a link
// to its field; every invalid field says so (aria-invalid) and is described by its message; and
// the page title starts with "Error:" (base.html does so where the view's form is "form").
function fieldFor(message) {
  const holder = message.closest(".mb-3, .form-check, fieldset, .input-group, td, .col, div");
  if (!holder) {
    return null;
  }
  return holder.querySelector(
    "input:not([type=hidden]), select, textarea, .form-control, .form-select, .form-check-input",
  );
}

function errorSummary() {
  const main = document.querySelector("main");
  if (!main) {
    return;
  }
  main.querySelectorAll("[data-error-summary]").forEach((old) => old.remove());
  const items = [];
  let counter = 0;
  const described = (field, message) => {
    if (!message.id) {
      counter += 1;
      message.id = `error-message-${counter}`;
    }
    const ids = (field.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    if (!ids.includes(message.id)) {
      field.setAttribute("aria-describedby", [...ids, message.id].join(" "));
    }
    field.setAttribute("aria-invalid", "true");
  };
  main.querySelectorAll("form .invalid-feedback, form .errorlist li, form [data-error-for]").forEach((message) => {
    const text = message.textContent.trim();
    if (!text) {
      return;
    }
    const field =
      (message.dataset.errorFor && document.getElementById(message.dataset.errorFor)) ||
      fieldFor(message);
    if (field) {
      if (!field.id) {
        counter += 1;
        field.id = `error-field-${counter}`;
      }
      described(field, message);
    }
    items.push({ text, target: field ? field.id : null });
  });
  // Errors about the whole form (a refused password) link to its first field.
  main
    .querySelectorAll("form .alert-block.alert-danger, form .non-field-errors, form [data-form-errors]")
    .forEach((alert) => {
      const text = alert.textContent.trim();
      const first = alert
        .closest("form")
        .querySelector("input:not([type=hidden]), select, textarea");
      if (text) {
        items.unshift({ text, target: first && first.id ? first.id : null });
      }
    });
  if (!items.length) {
    return;
  }
  const summary = document.createElement("div");
  summary.className = "alert alert-danger error-summary";
  summary.setAttribute("role", "alert");
  summary.setAttribute("tabindex", "-1");
  summary.dataset.errorSummary = "";
  summary.setAttribute("aria-labelledby", "error-summary-title");
  const title = document.createElement("h2");
  title.className = "h5";
  title.id = "error-summary-title";
  title.textContent = "There is a problem";
  const list = document.createElement("ul");
  list.className = "mb-0";
  const seen = new Set();
  items.forEach(({ text, target }) => {
    if (seen.has(`${text}|${target}`)) {
      return;
    }
    seen.add(`${text}|${target}`);
    const item = document.createElement("li");
    if (target) {
      const link = document.createElement("a");
      link.href = `#${target}`;
      link.textContent = text;
      link.addEventListener("click", (event) => {
        const field = document.getElementById(target);
        if (field) {
          event.preventDefault();
          field.focus();
          field.scrollIntoView({ block: "center" });
        }
      });
      item.append(link);
    } else {
      item.textContent = text;
    }
    list.append(item);
  });
  summary.append(title, list);
  const heading = main.querySelector("h1");
  if (heading) {
    heading.after(summary);
  } else {
    main.prepend(summary);
  }
  if (!document.title.startsWith("Error:")) {
    document.title = `Error: ${document.title}`;
  }
  summary.focus();
}

document.addEventListener("DOMContentLoaded", errorSummary);
// A form sent by htmx comes back in place: summarise its errors when it has settled.
document.addEventListener("htmx:afterSettle", (event) => {
  if (event.target.closest && event.target.closest("main") && event.target.querySelector("form")) {
    errorSummary();
  } else if (event.target.matches && event.target.matches("form")) {
    errorSummary();
  }
});
