/* The opportunity board: drag a card to another column to move it to that stage.
   The move posts the card's version; the server answers with the card and every column's
   totals (out-of-band swaps), or refuses (409 stale, 422 invalid) and the card goes back. */
(function () {
  "use strict";
  function message(text) {
    var box = document.getElementById("board-message");
    box.textContent = text;
    box.classList.remove("d-none");
  }
  function params(board) {
    var out = {};
    new URLSearchParams(board.dataset.query || "").forEach(function (v, k) { out[k] = v; });
    return out;
  }
  document.addEventListener("DOMContentLoaded", function () {
    var board = document.getElementById("board");
    if (!board || !window.Sortable || board.dataset.canEdit !== "1") { return; }
    board.querySelectorAll(".board-cards").forEach(function (list) {
      window.Sortable.create(list, {
        group: "board",
        sort: false,
        draggable: ".opp-card",
        forceFallback: true,
        fallbackTolerance: 3,
        animation: 120,
        onStart: function (evt) {
          var next = evt.item.nextElementSibling;
          while (next && !next.classList.contains("opp-card")) { next = next.nextElementSibling; }
          evt.item._boardNext = next;
        },
        onEnd: function (evt) {
          var card = evt.item;
          if (evt.from === evt.to) { return; }
          var back = function () {
            var next = card._boardNext;
            evt.from.insertBefore(card, next && next.parentNode === evt.from ? next : null);
          };
          var values = params(board);
          values.stage = evt.to.dataset.stage;
          values.version = card.dataset.version;
          if (evt.to.dataset.lost === "1") {
            var reason = window.prompt(board.dataset.lostPrompt);
            if (!reason) { back(); return; }
            values.reason = reason;
          }
          card.classList.add("opacity-50");
          card.addEventListener("htmx:afterRequest", function handler(e) {
            card.removeEventListener("htmx:afterRequest", handler);
            card.classList.remove("opacity-50");
            if (!e.detail.successful) {
              message((e.detail.xhr && e.detail.xhr.responseText) || board.dataset.failed);
              back();
            } else {
              document.getElementById("board-message").classList.add("d-none");
            }
          });
          window.htmx.ajax("POST", card.dataset.moveUrl, {source: card, swap: "none", values: values});
        }
      });
    });
  });
})();
