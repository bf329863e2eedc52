// Drag and drop on the content calendar: drop an item on a day (month view: it keeps its time of
// day) or on a push-slot row (week view: it takes the slot's start time). The server answers with
// the re-rendered calendar body, or with the reason it refused (status 422), shown above it.
// Without this script every item keeps its "Move" link to a small form.
(function () {
  "use strict";
  var root = document.getElementById("calendar");
  if (!root) return;
  var token = root.querySelector("input[name=csrfmiddlewaretoken]");
  var problem = document.getElementById("calendar-error");
  var dragged = null;

  function target(event) {
    return event.target instanceof Element ? event.target.closest("[data-drop-date]") : null;
  }
  function clearOver() {
    root.querySelectorAll(".drop-over").forEach(function (cell) { cell.classList.remove("drop-over"); });
  }
  function say(text) {
    problem.textContent = text;
    problem.hidden = !text;
  }

  root.addEventListener("dragstart", function (event) {
    var card = event.target instanceof Element ? event.target.closest("[data-move-url]") : null;
    if (!card) return;
    dragged = card;
    card.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.dataset.item);
  });
  root.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("dragging");
    dragged = null;
    clearOver();
  });
  root.addEventListener("dragover", function (event) {
    var cell = target(event);
    if (!cell || !dragged) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    if (!cell.classList.contains("drop-over")) {
      clearOver();
      cell.classList.add("drop-over");
    }
  });
  root.addEventListener("drop", function (event) {
    var cell = target(event);
    var card = dragged;
    if (!cell || !card) return;
    event.preventDefault();
    clearOver();
    var body = new FormData();
    body.append("date", cell.dataset.dropDate);
    body.append("time", cell.dataset.dropTime || "");
    body.append("partial", "1");
    body.append("view", root.dataset.view);
    body.append("anchor", root.dataset.anchor);
    body.append("client", root.dataset.client);
    var current = document.getElementById("calendar-body");
    current.classList.add("busy");
    fetch(card.dataset.moveUrl, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": token ? token.value : "" },
    })
      .then(function (response) {
        return response.text().then(function (text) {
          return { ok: response.ok, refused: response.status === 422, text: text };
        });
      })
      .then(function (answer) {
        current.classList.remove("busy");
        if (answer.ok) {
          say("");
          current.outerHTML = answer.text;
        } else {
          say(answer.refused ? answer.text : problem.dataset.fallback);
        }
      })
      .catch(function () {
        current.classList.remove("busy");
        say(problem.dataset.fallback);
      });
  });
})();
