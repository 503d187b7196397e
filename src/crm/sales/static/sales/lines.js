// The opportunity form's product lines. htmx fetches a line's matching products
// (sales:product_options); this script fills the line with the pick (id, "CODE name", unit,
// the customer's price), clears the id when the text is retyped, and adds lines.
// Without it the form still works: the server reads the typed code.
(function () {
  "use strict";

  function part(row, css) { return row.querySelector(css); }

  function closeLists(except) {
    document.querySelectorAll(".line-product-options").forEach(function (list) {
      if (list !== except) { list.innerHTML = ""; }
    });
  }

  function pick(option) {
    var row = option.closest(".line-row");
    part(row, ".line-product").value = option.dataset.id;
    part(row, ".line-product-text").value = option.dataset.label;
    part(row, ".line-unit").textContent = option.dataset.unit;
    part(row, ".line-price").value = option.dataset.price;
    part(row, ".line-price-source").textContent = option.dataset.source;
    var quantity = part(row, ".line-quantity");
    if (!quantity.value) { quantity.value = "1"; }
    closeLists(null);
    quantity.focus();
    quantity.select();
  }

  function addLine() {
    var total = document.getElementById("id_lines-TOTAL_FORMS");
    var max = parseInt(document.getElementById("id_lines-MAX_NUM_FORMS").value, 10);
    var index = parseInt(total.value, 10);
    if (index >= max) { return null; }
    var holder = document.createElement("div");
    holder.innerHTML = document.getElementById("line-template").innerHTML
      .replace(/__prefix__/g, String(index)).trim();
    var row = holder.firstElementChild;
    document.getElementById("line-rows").appendChild(row);
    total.value = String(index + 1);
    if (window.htmx) { window.htmx.process(row); }
    return row;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var table = document.getElementById("line-table");
    if (!table) { return; }
    table.addEventListener("input", function (event) {
      var text = event.target.closest(".line-product-text");
      if (!text) { return; }
      // A retyped product is no longer the picked one.
      var row = text.closest(".line-row");
      part(row, ".line-product").value = "";
      part(row, ".line-unit").textContent = "";
      part(row, ".line-price-source").textContent = "";
      if (!text.value.trim()) { part(row, ".line-product-options").innerHTML = ""; }
    });
    table.addEventListener("click", function (event) {
      var option = event.target.closest(".product-option");
      if (option) { pick(option); }
    });
    table.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { closeLists(null); }
      var text = event.target.closest(".line-product-text");
      if (text && event.key === "Enter") {
        // Enter takes the first match instead of sending the form.
        var first = part(text.closest(".line-row"), ".product-option");
        if (first) { event.preventDefault(); pick(first); }
      }
    });
    document.addEventListener("click", function (event) {
      var row = event.target.closest(".line-row");
      closeLists(row ? part(row, ".line-product-options") : null);
    });
    var add = document.getElementById("line-add");
    add.classList.remove("d-none");
    add.addEventListener("click", function () {
      var row = addLine();
      if (row) { part(row, ".line-product-text").focus(); }
    });
  });
})();
