// The body map on the concern form: tap the outline to place a numbered mark, then describe it.
// Marks go into the hidden "body_map" field as JSON [{side, x, y, note}] with x and y as
// percentages of the outline's box; the server validates every value again. Without JavaScript
// this part stays hidden and the marks are described in words instead.
//
// Without a mouse (issue #20): each region of each outline is a button (Tab to it, Enter or
// Space adds a mark in the middle of that region), every mark is listed as text beside the
// drawing with the region it is on, its description box and a Remove button, and each change
// is announced. Regions are named from the child's side: on the front outline the child's right
// is on the viewer's left. The stored marks are the same as a tap's: side, x, y and note.
(() => {
  const MAX_MARKS = 30;
  const SVG_NS = "http://www.w3.org/2000/svg";
  // [name, x, y, width, height] in the outline's viewBox (100 x 200); "near"/"far" are the
  // viewer's left and right, turned into the child's right or left for each side.
  const REGIONS = {
    front: [
      ["head and face", 38, 3, 24, 23],
      ["neck", 43, 26, 14, 8],
      ["chest", 30, 34, 40, 28],
      ["tummy", 30, 62, 40, 38],
      ["near arm", 17, 36, 13, 60],
      ["far arm", 70, 36, 13, 60],
      ["near hand", 15, 96, 11, 10],
      ["far hand", 74, 96, 11, 10],
      ["hips and groin", 30, 100, 40, 15],
      ["near leg", 31, 115, 19, 63],
      ["far leg", 50, 115, 19, 63],
      ["near foot", 31, 178, 19, 16],
      ["far foot", 50, 178, 19, 16],
    ],
    back: [
      ["back of the head", 38, 3, 24, 23],
      ["back of the neck", 43, 26, 14, 8],
      ["upper back", 30, 34, 40, 28],
      ["lower back", 30, 62, 40, 38],
      ["near arm", 17, 36, 13, 60],
      ["far arm", 70, 36, 13, 60],
      ["near hand", 15, 96, 11, 10],
      ["far hand", 74, 96, 11, 10],
      ["bottom", 30, 100, 40, 15],
      ["near leg", 31, 115, 19, 63],
      ["far leg", 50, 115, 19, 63],
      ["near foot", 31, 178, 19, 16],
      ["far foot", 50, 178, 19, 16],
    ],
  };

  function regionName(side, name) {
    // Front: the viewer's left is the child's right. Back: the viewer's left is the child's left.
    const near = side === "back" ? "left" : "right";
    const far = side === "back" ? "right" : "left";
    return name.replace("near", near).replace("far", far);
  }

  // The region a mark (x, y as percentages) falls in, for the list of marks.
  function regionOf(mark) {
    const x = mark.x;
    const y = mark.y * 2;
    const side = mark.side === "back" ? "back" : "front";
    const found = REGIONS[side].find(
      ([, rx, ry, rw, rh]) => x >= rx && x <= rx + rw && y >= ry && y <= ry + rh,
    );
    return found ? regionName(side, found[0]) : null;
  }

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
    const status = tool.querySelector("[data-body-map-status]");
    const summary = tool.querySelector("[data-body-map-summary]");
    const announce = (text) => {
      if (status) {
        status.textContent = text;
      }
    };

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
        const where = regionOf(mark);
        const side = mark.side === "back" ? "back" : "front";
        label.textContent = `Mark ${number}: ${side}${where ? `, ${where}` : ""}`;
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
          announce(`Mark ${number} removed. ${marks.length} mark${marks.length === 1 ? "" : "s"} left.`);
          // Focus stays in the list: the mark now in this place, else the one before, else the
          // list's heading.
          const next = list.querySelectorAll("button")[Math.min(index, marks.length - 1)];
          (next || summary).focus();
        });
        item.append(label, note, remove);
        list.append(item);
      });
      if (summary) {
        summary.textContent = marks.length
          ? `Marks (${marks.length})`
          : "No marks yet";
      }
      save();
    };

    const addMark = (side, x, y, where) => {
      if (marks.length >= MAX_MARKS) {
        announce(`There can be up to ${MAX_MARKS} marks. Describe any more in words below.`);
        return;
      }
      marks.push({ side, x, y, note: "" });
      render();
      const number = marks.length;
      announce(`Mark ${number} added: ${side}${where ? `, ${where}` : ""}. Describe it.`);
      const last = list.querySelector(`#id_mark_note_${number - 1}`);
      if (last) {
        last.focus();
      }
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
        addMark(svg.dataset.side, x, y, regionOf({ side: svg.dataset.side, x, y }));
      });
      // The drawing becomes a group of region buttons (it was an image on the record's page).
      const side = svg.dataset.side === "back" ? "back" : "front";
      svg.setAttribute("role", "group");
      svg.setAttribute("aria-label", `${side === "back" ? "Back" : "Front"} of the body: choose where the mark is`);
      const regions = svgElement("g", { "data-regions": "" });
      REGIONS[side].forEach(([name, rx, ry, rw, rh]) => {
        const where = regionName(side, name);
        const region = svgElement("rect", {
          x: rx, y: ry, width: rw, height: rh, rx: 2,
          class: "body-map-region", tabindex: "0", role: "button",
          "aria-label": `Add a mark: ${side}, ${where}`,
        });
        region.addEventListener("keydown", (event) => {
          if (event.key !== "Enter" && event.key !== " ") {
            return;
          }
          event.preventDefault();
          // Marks in the same region sit side by side, not on top of each other.
          const here = marks.filter((m) => m.side === side && regionOf(m) === where).length;
          const cx = rx + rw / 2 + [0, -1, 1][here % 3] * Math.min(6, rw / 3);
          const cy = ry + rh / 2 + Math.floor(here / 3) * 6 - (here >= 3 ? 3 : 0);
          const x = Math.round(Math.min(Math.max(cx, rx), rx + rw) * 10) / 10;
          const y = Math.round((Math.min(Math.max(cy, ry), ry + rh) / 2) * 10) / 10;
          addMark(side, x, y, where);
        });
        regions.append(region);
      });
      svg.insertBefore(regions, svg.querySelector("[data-marks]"));
    });
    render();
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("[data-body-map]").forEach(init);
  });
})();
