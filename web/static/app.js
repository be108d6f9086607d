// mLegitymacja — the little JavaScript the page uses. Everything works
// without it: the search is a form, the codes upload a file input.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  // Search as you type: ask the server for the result rows only.
  var q = document.querySelector("input[data-live]");
  var out = document.getElementById("wyniki");
  if (q && out && window.fetch) {
    var timer = null, seq = 0;
    q.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var mine = ++seq;
        var url = q.getAttribute("data-live") + "?fragment=1&q=" + encodeURIComponent(q.value);
        fetch(url, { credentials: "same-origin" }).then(function (r) {
          return r.ok ? r.text() : Promise.reject(r.status);
        }).then(function (html) {
          if (mine === seq) { out.innerHTML = html; }
        }).catch(function () {});
      }, 120);
    });
  }
  // Codes file: drop it on the form.
  var drop = document.querySelector("form.drop");
  var file = document.getElementById("plik");
  if (drop && file) {
    ["dragenter", "dragover"].forEach(function (ev) {
      drop.addEventListener(ev, function (e) { e.preventDefault(); drop.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (ev) {
      drop.addEventListener(ev, function () { drop.classList.remove("over"); });
    });
    drop.addEventListener("drop", function (e) {
      e.preventDefault();
      if (e.dataTransfer && e.dataTransfer.files.length) {
        file.files = e.dataTransfer.files;
        var hint = drop.querySelector(".hint");
        if (hint) { hint.textContent = "Wybrano: " + e.dataTransfer.files[0].name; }
      }
    });
  }
  // "Back" links.
  document.querySelectorAll("a.back").forEach(function (a) {
    a.addEventListener("click", function (e) { e.preventDefault(); history.back(); });
  });
});
