// The live incident page: poll the entries endpoint with a `since` cursor and add the
// entries the page does not show yet, in time order. Without JavaScript the page is
// complete as served; reloading shows the same.
(function () {
  "use strict";
  var list = document.getElementById("live-timeline");
  if (!list) return;
  var seconds = parseInt(list.dataset.pollSeconds, 10);
  if (!seconds) return;
  var cursor = list.dataset.cursor;
  var status = document.getElementById("live-status");
  var missed = document.getElementById("missed-count");

  function shown(source) {
    var items = list.querySelectorAll("li[data-source]");
    for (var i = 0; i < items.length; i++) {
      if (items[i].dataset.source === source) return true;
    }
    return false;
  }

  function element(entry) {
    var li = document.createElement("li");
    li.dataset.source = entry.source;
    li.dataset.at = entry.at;
    li.className = "timeline-" + entry.kind + " timeline-new";
    var time = document.createElement("time");
    time.setAttribute("datetime", entry.at);
    time.textContent = entry.shown_at;
    var kind = document.createElement("span");
    kind.className = "kind";
    kind.textContent = entry.label + ":";
    var text = document.createElement("span");
    text.className = "text";
    text.textContent = entry.text;
    li.append(time, " ", kind, " ", text);
    return li;
  }

  function insert(li) {
    var at = Date.parse(li.dataset.at);
    var items = list.querySelectorAll("li[data-source]");
    for (var i = items.length - 1; i >= 0; i--) {
      if (Date.parse(items[i].dataset.at) <= at) {
        items[i].after(li);
        return;
      }
    }
    list.prepend(li);
  }

  function poll() {
    var url = list.dataset.url + "?since=" + encodeURIComponent(cursor);
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (data) {
        data.entries.forEach(function (entry) {
          if (!shown(entry.source)) insert(element(entry));
        });
        cursor = data.cursor;
        if (missed) missed.textContent = data.missed;
        if (data.open) {
          window.setTimeout(poll, seconds * 1000);
        } else if (status) {
          status.textContent = " \u00b7 the incident is resolved; reload for later changes";
        }
      })
      .catch(function () {
        if (status) status.textContent = " \u00b7 connection lost, retrying";
        window.setTimeout(poll, seconds * 4000);
      });
  }

  window.setTimeout(poll, seconds * 1000);
})();
