/* Sortable tables (progressive enhancement): every <table class="pk-urut"> stays a plain,
 * readable table without JavaScript; with it, each column header becomes a button that sorts
 * the rows (ascending, then descending) and says so with aria-sort. Loaded once through
 * mkdocs.yml extra_javascript and run again on every page Material's instant navigation
 * shows (its document$ observable). Headers with data-urut="angka" sort as numbers (a cell's
 * data-nilai when present, else its text). */
(function () {
  "use strict";

  var ORDER = { ascending: "naik", descending: "turun" };

  function value(row, index, numeric) {
    var cell = row.cells[index];
    if (!cell) return numeric ? -Infinity : "";
    var raw = cell.hasAttribute("data-nilai") ? cell.getAttribute("data-nilai") : cell.textContent;
    if (!numeric) return raw.trim();
    var n = parseFloat(String(raw).replace(/\s/g, "").replace(",", "."));
    return isNaN(n) ? -Infinity : n;
  }

  function sort(table, index, dir, numeric) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows).map(function (row, i) {
      return { row: row, key: value(row, index, numeric), i: i };
    });
    var sign = dir === "ascending" ? 1 : -1;
    rows.sort(function (a, b) {
      var c = numeric ? a.key - b.key
        : a.key.localeCompare(b.key, "id", { numeric: true, sensitivity: "base" });
      return c * sign || a.i - b.i;
    });
    rows.forEach(function (r) { body.appendChild(r.row); });
  }

  function enhance(table) {
    if (table.getAttribute("data-urut-siap") || !table.tHead || !table.tBodies.length) return;
    table.setAttribute("data-urut-siap", "1");
    var status = document.createElement("p");
    status.className = "pk-urut-status";
    status.setAttribute("role", "status");
    table.parentNode.insertBefore(status, table.nextSibling);
    var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
    headers.forEach(function (th, index) {
      var label = th.textContent.trim();
      var button = document.createElement("button");
      button.type = "button";
      button.className = "pk-urut-tombol";
      while (th.firstChild) button.appendChild(th.firstChild);
      var arrow = document.createElement("span");
      arrow.className = "pk-urut-panah";
      arrow.setAttribute("aria-hidden", "true");
      button.appendChild(arrow);
      th.appendChild(button);
      button.addEventListener("click", function () {
        var dir = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
        sort(table, index, dir, th.getAttribute("data-urut") === "angka");
        headers.forEach(function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", dir);
        status.textContent = "Diurutkan menurut " + label + ", " + ORDER[dir] + ".";
      });
    });
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("table.pk-urut"), enhance);
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
