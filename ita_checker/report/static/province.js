(function () {
  "use strict";
  var table = document.getElementById("matrix-table");
  if (!table) { return; }
  var body = table.tBodies[0];
  var fVerdict = document.getElementById("f-verdict");
  var fItem = document.getElementById("f-item");
  var fType = document.getElementById("f-type");
  var count = document.getElementById("f-count");
  var order = ["pass", "needs_review", "unreachable", "incomplete", "stale", "fail", "not_applicable", ""];

  function rows() { return Array.prototype.slice.call(body.rows); }

  function applyFilters() {
    var v = fVerdict.value, item = fItem.value, type = fType.value, shown = 0;
    rows().forEach(function (row) {
      var cells = row.querySelectorAll("td.cell");
      var match = !type || row.getAttribute("data-type") === type;
      var hit = !v;
      cells.forEach(function (cell) {
        var inItem = !item || cell.getAttribute("data-code") === item;
        var isV = !v || cell.getAttribute("data-verdict") === v;
        cell.classList.toggle("dim", !(inItem && isV) && (item !== "" || v !== ""));
        if (v && inItem && isV) { hit = true; }
      });
      row.hidden = !(match && hit);
      if (!row.hidden) { shown += 1; }
    });
    count.textContent = "แสดง " + shown + " จาก " + body.rows.length + " หน่วยงาน";
  }

  function key(row, sortKey) {
    if (sortKey.indexOf("item-") === 0) {
      var cell = row.querySelector('td.cell[data-code="' + sortKey.slice(5) + '"]');
      return order.indexOf(cell ? cell.getAttribute("data-verdict") : "");
    }
    var value = row.getAttribute("data-" + sortKey) || "";
    return sortKey === "score" || sortKey === "risk" ? parseFloat(value) : value;
  }

  table.querySelectorAll("thead button[data-sort]").forEach(function (button) {
    button.addEventListener("click", function () {
      var sortKey = button.getAttribute("data-sort");
      var asc = button.getAttribute("aria-sort") !== "ascending";
      table.querySelectorAll("thead button").forEach(function (b) { b.removeAttribute("aria-sort"); });
      button.setAttribute("aria-sort", asc ? "ascending" : "descending");
      var sorted = rows().sort(function (a, b) {
        var ka = key(a, sortKey), kb = key(b, sortKey);
        var c = typeof ka === "number" ? ka - kb : String(ka).localeCompare(String(kb), "th");
        return asc ? c : -c;
      });
      sorted.forEach(function (row) { body.appendChild(row); });
    });
  });
  [fVerdict, fItem, fType].forEach(function (el) { el.addEventListener("change", applyFilters); });
  applyFilters();
}());
