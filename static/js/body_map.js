// The body map on the concern form: tap the outline to place a numbered mark, then describe it.
// Marks go into the hidden "body_map" field as JSON [{side, x, y, note}] with x and y as
// percentages of the outline's box; the server validates every value again. Without JavaScript
// this part stays hidden and the marks are described in words instead.
(() => {
  const MAX_MARKS = 30;
  const SVG_NS = "http://www.w3.org/2000/svg";

  function readMarks(input) {
    try {
      const value = JSON.parse(input.value || "[]");
      return Array.isArray(value) ? value : [];
    } catch {
      return [];
    }
  }

  function svgElement(name, attributes) {
    const element = document.createElementNS(SVG_NS, name);
    for (const [key, value] of Object.entries(attributes)) {
      element.setAttribute(key, value);
    }
    return element;
  }

  function init(tool) {
    const form = tool.closest("form");
    const input = form.querySelector("input[name=body_map]");
    const list = tool.querySelector("[data-body-map-notes]");
    const marks = readMarks(input);
    tool.hidden = false;

    const save = () => {
      input.value = JSON.stringify(marks);
    };

    const render = () => {
      tool.querySelectorAll("svg[data-side] [data-marks]").forEach((group) => group.replaceChildren());
      list.replaceChildren();
      marks.forEach((mark, index) => {
        const number = String(index + 1);
        const group = tool.querySelector(`svg[data-side="${mark.side}"] [data-marks]`);
        if (group) {
          group.append(
            svgElement("circle", {
              cx: `${mark.x}%`, cy: `${mark.y}%`, r: "4.5",
              fill: "#b02a37", stroke: "#ffffff", "stroke-width": "0.7",
            }),
            svgElement("text", {
              x: `${mark.x}%`, y: `${mark.y}%`, dy: "1.9", "text-anchor": "middle",
              "font-size": "5.5", "font-weight": "bold", "font-family": "sans-serif",
              fill: "#ffffff",
            }),
          );
          group.lastChild.textContent = number;
        }
        const item = document.createElement("li");
        item.className = "body-map-note";
        const label = document.createElement("label");
        label.htmlFor = `id_mark_note_${index}`;
        label.textContent = `Mark ${number} (${mark.side === "back" ? "back" : "front"})`;
        const note = document.createElement("input");
        note.type = "text";
        note.id = `id_mark_note_${index}`;
        note.className = "form-control";
        note.maxLength = 300;
        note.placeholder = "What you saw: e.g. bruise, 2 cm, purple";
        note.value = mark.note || "";
        note.addEventListener("input", () => {
          mark.note = note.value;
          save();
        });
        const remove = document.createElement("button");
        remove.type = "button";
        remove.className = "btn btn-sm btn-outline-secondary";
        remove.textContent = "Remove";
        remove.setAttribute("aria-label", `Remove mark ${number}`);
        remove.addEventListener("click", () => {
          marks.splice(index, 1);
          render();
        });
        item.append(label, note, remove);
        list.append(item);
      });
      save();
    };

    tool.querySelectorAll("svg[data-side]").forEach((svg) => {
      svg.addEventListener("click", (event) => {
        if (marks.length >= MAX_MARKS) {
          return;
        }
        const box = svg.getBoundingClientRect();
        const x = Math.round(((event.clientX - box.left) / box.width) * 1000) / 10;
        const y = Math.round(((event.clientY - box.top) / box.height) * 1000) / 10;
        if (!(x >= 0 && x <= 100 && y >= 0 && y <= 100)) {
          return;
        }
        marks.push({ side: svg.dataset.side, x, y, note: "" });
        render();
        const last = list.querySelector(`#id_mark_note_${marks.length - 1}`);
        if (last) {
          last.focus();
        }
      });
    });
    render();
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("[data-body-map]").forEach(init);
  });
})();
