/* The agency's contribution to a commit–reveal random draw (bidding/draw.py).
 *
 * On the sign-up form: make 32 random bytes with crypto.getRandomValues, put only their
 * SHA-256 in the form (draw_commitment) and show the contribution with "copy" and "download";
 * when the form is sent with that commitment, keep the contribution in localStorage. After
 * sign-up: show the kept contribution again. On the reveal form: offer to fill it in. Without
 * scripts (or without crypto.subtle) the agency pastes a commitment it made itself, or skips.
 */
(function () {
  "use strict";
  var KEY = function (project) { return "draw-contribution:" + project; };
  var canHash = !!(window.crypto && window.crypto.subtle && window.crypto.getRandomValues);

  function hex(buffer) {
    return Array.prototype.map.call(new Uint8Array(buffer), function (b) {
      return b.toString(16).padStart(2, "0");
    }).join("");
  }
  function sha256(text) {
    return window.crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)).then(hex);
  }
  function load(project) {
    try { return window.localStorage.getItem(KEY(project)); } catch (e) { return null; }
  }
  function save(project, contribution) {
    try { window.localStorage.setItem(KEY(project), contribution); } catch (e) { /* private mode */ }
  }
  function offer(box, contribution) {
    if (!box) return;
    box.querySelector("[data-draw-contribution]").textContent = contribution;
    box.querySelector("[data-draw-copy]").addEventListener("click", function () {
      if (navigator.clipboard) navigator.clipboard.writeText(contribution);
    });
    box.querySelector("[data-draw-download]").href =
      URL.createObjectURL(new Blob([contribution + "\n"], { type: "text/plain" }));
    box.hidden = false;
  }

  document.querySelectorAll("[data-draw-commit]").forEach(function (root) {
    if (!canHash) return;
    var project = root.dataset.project;
    var bytes = new Uint8Array(32);
    window.crypto.getRandomValues(bytes);
    var contribution = hex(bytes.buffer);
    var input = root.querySelector("input[name=draw_commitment]");
    sha256(contribution).then(function (commitment) {
      input.value = commitment;
      offer(root.querySelector("[data-draw-js]"), contribution);
      root.closest("form").addEventListener("submit", function () {
        if (input.value.trim().toLowerCase() === commitment) save(project, contribution);
      });
    });
  });

  document.querySelectorAll("[data-draw-saved]").forEach(function (root) {
    var saved = load(root.dataset.project);
    if (!canHash || !saved || !root.dataset.commitment) return;
    sha256(saved).then(function (commitment) {
      if (commitment === root.dataset.commitment) offer(root.querySelector("[data-draw-js]"), saved);
    });
  });

  document.querySelectorAll("[data-draw-reveal]").forEach(function (form) {
    var saved = load(form.dataset.project);
    if (!saved) return;
    var show = function () {
      var button = form.querySelector("[data-draw-fill]");
      button.hidden = false;
      button.addEventListener("click", function () {
        form.querySelector("input[name=contribution]").value = saved;
      });
    };
    if (!canHash) { show(); return; }
    sha256(saved).then(function (commitment) {
      if (commitment === form.dataset.commitment) show();
    });
  });
})();
