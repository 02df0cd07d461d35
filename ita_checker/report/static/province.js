(function () {
  "use strict";
  /* Province matrix: filters (search, district, type, verdict, item, "not passing"), combined, and sorting.
     Without this script the page shows every row and the filter form stays hidden. */
  var table = document.getElementById("matrix-table");
  var form = document.getElementById("filters");
  if (!table || !form) { return; }
  var body = table.tBodies[0];
  function byId(id) { return document.getElementById(id); }
  var fSearch = byId("f-search");
  var fDistrict = byId("f-district");
  var fType = byId("f-type");
  var fVerdict = byId("f-verdict");
  var fItem = byId("f-item");
  var fNotPass = byId("f-notpass");
  var count = byId("f-count");
  var order = ["pass", "needs_review", "unreachable", "incomplete", "stale", "fail", "not_applicable", ""];
  var THAI_DIGITS = "\u0e50\u0e51\u0e52\u0e53\u0e54\u0e55\u0e56\u0e57\u0e58\u0e59";

  /* The same key as thaitext.match_key in Python (data-search): NFC, no zero-width characters, Thai digits as
     0-9, sara am composed, one kind of dash, no whitespace, lower case. */
  function key(text) {
    var s = String(text || "").normalize("NFC");
    s = s.replace(/[\u200b\u200c\u200d\u2060\ufeff\u00ad]/g, "");
    s = s.replace(/[\u0e50-\u0e59]/g, function (d) { return String(THAI_DIGITS.indexOf(d)); });
    s = s.replace(/\u0e4d([\u0e48-\u0e4b]?)\u0e32/g, "$1\u0e33").replace(/\u0e33([\u0e48-\u0e4b])/g, "$1\u0e33");
    s = s.replace(/\u0e40\u0e40/g, "\u0e41");
    s = s.replace(/[\u2010-\u2015\u2212\ufe58\ufe63\uff0d]/g, "-");
    return s.replace(/\s+/g, "").toLowerCase();
  }

  function rows() { return Array.prototype.slice.call(body.rows); }

  function applyFilters() {
    var q = key(fSearch.value);
    var district = fDistrict.value, type = fType.value, v = fVerdict.value, item = fItem.value;
    var notPass = fNotPass.checked;
    var cellFilter = v !== "" || item !== "" || notPass;
    var shown = 0;
    rows().forEach(function (row) {
      var any = false;
      row.querySelectorAll("td.cell").forEach(function (cell) {
        var match = (!item || cell.getAttribute("data-code") === item) &&
          (!v || cell.getAttribute("data-verdict") === v) &&
          (!notPass || cell.getAttribute("data-ok") !== "1");
        cell.classList.toggle("dim", cellFilter && !match);
        if (match) { any = true; }
      });
      var hit = true;
      if (v || (notPass && item)) {
        hit = any;
      } else if (notPass) {
        hit = row.getAttribute("data-allpass") !== "1";
      }
      var keep = hit &&
        (!district || row.getAttribute("data-district") === district) &&
        (!type || row.getAttribute("data-type") === type) &&
        (!q || (row.getAttribute("data-search") || "").indexOf(q) !== -1);
      row.hidden = !keep;
      if (keep) { shown += 1; }
    });
    count.textContent = "แสดง " + shown + " จาก " + body.rows.length + " หน่วยงาน";
  }

  function sortKey(row, name) {
    if (name.indexOf("item-") === 0) {
      var code = name.slice(5);
      var cell = null;
      row.querySelectorAll("td.cell").forEach(function (c) {
        if (c.getAttribute("data-code") === code) { cell = c; }
      });
      return order.indexOf(cell ? cell.getAttribute("data-verdict") : "");
    }
    var value = row.getAttribute("data-" + name) || "";
    return name === "score" || name === "risk" ? parseFloat(value) : value;
  }

  table.querySelectorAll("thead button[data-sort]").forEach(function (button) {
    button.addEventListener("click", function () {
      var name = button.getAttribute("data-sort");
      var asc = button.getAttribute("aria-sort") !== "ascending";
      table.querySelectorAll("thead button").forEach(function (b) { b.removeAttribute("aria-sort"); });
      button.setAttribute("aria-sort", asc ? "ascending" : "descending");
      var sorted = rows().sort(function (a, b) {
        var ka = sortKey(a, name), kb = sortKey(b, name);
        var c = typeof ka === "number" ? ka - kb : String(ka).localeCompare(String(kb), "th");
        return asc ? c : -c;
      });
      sorted.forEach(function (row) { body.appendChild(row); });
    });
  });
  [fDistrict, fType, fVerdict, fItem, fNotPass].forEach(function (el) { el.addEventListener("change", applyFilters); });
  fSearch.addEventListener("input", applyFilters);
  form.addEventListener("submit", function (event) { event.preventDefault(); applyFilters(); });
  form.addEventListener("reset", function () { window.setTimeout(applyFilters, 0); });
  form.hidden = false;
  applyFilters();
}());
