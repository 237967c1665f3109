/* Live auction page: keeps the ladder, the chart and the countdown current over the
 * WebSocket /ws/auctions/<id>/. The server is the truth: every event carries its sequence
 * number; a gap, a reconnect, a "resync" frame from the server (its relay may have lost
 * frames) or a bid refused on a stale best asks for a fresh snapshot ("resync"). The countdown uses the
 * server's clock (offset taken from the snapshot's server_time). No libraries. */
(function () {
  "use strict";
  var root = document.getElementById("auction");
  if (!root) return;
  var T = JSON.parse(document.getElementById("auction-i18n").textContent);
  var state = JSON.parse(document.getElementById("auction-snapshot").textContent);
  var offset = 0;            // server clock − browser clock, ms
  var ws = null, retry = 0, pending = {}, refSeq = 0, resyncAsked = false, closeAsked = 0;
  var $ = function (id) { return document.getElementById(id); };
  var fmt = function (s, args) { return s.replace(/\{(\w+)\}/g, function (m, k) { return k in args ? args[k] : m; }); };

  function num(v) { return v === null || v === undefined ? null : parseFloat(v); }
  function money(v) {
    if (v === null || v === undefined) return "—";
    var n = Number(v);
    return n.toLocaleString("zh-CN", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  }
  // Times are Beijing time, as everywhere on the platform, whatever the viewer's clock zone.
  // The end and the ladder show the date too (a window may run past midnight), in the form the
  // server renders: 2026-12-02 00:23:36. The chart's axis keeps the time of day.
  var clock = new Intl.DateTimeFormat("en-GB", {
    timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit",
    hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" });
  function parts(iso) {
    var out = {};
    clock.formatToParts(new Date(iso)).forEach(function (p) { out[p.type] = p.value; });
    return out;
  }
  function momentOf(iso) {
    if (!iso) return "—";
    var p = parts(iso);
    return p.year + "-" + p.month + "-" + p.day + " " + p.hour + ":" + p.minute + ":" + p.second;
  }
  function timeOf(iso) {
    if (!iso) return "—";
    var p = parts(iso);
    return p.hour + ":" + p.minute + ":" + p.second;
  }
  function serverNow() { return Date.now() + offset; }

  function applySnapshot(snap) {
    state = snap;
    offset = new Date(snap.server_time).getTime() - Date.now();
    resyncAsked = false;
    render();
  }

  function step() { return num(state.step) || 0.01; }

  function ownRank() {
    var label = state.viewer && state.viewer.label;
    if (!label) return null;
    var last = {};
    state.ladder.forEach(function (r) { last[r.label] = r.seq; });
    if (!(label in last)) return null;
    var mine = last[label], rank = 1;
    Object.keys(last).forEach(function (k) { if (last[k] > mine) rank += 1; });
    return rank;
  }

  function render() {
    var best = state.ladder.length ? state.ladder[state.ladder.length - 1] : null;
    $("best").textContent = best ? money(best.value) : "—";
    $("best-label").textContent = best ? fmt(T.bidder, { label: best.label }) : T.noBids;
    $("seq").textContent = state.seq;
    $("countdown").dataset.ends = state.ends_at || "";
    $("ends-at").textContent = momentOf(state.ends_at);
    $("ends-at").setAttribute("datetime", state.ends_at || "");
    $("status-badge").textContent = state.status_label;
    $("status-badge").dataset.status = state.status;
    renderLadder();
    renderChart();
    renderYou(best);
    renderResult();
    tick();
  }

  function renderLadder() {
    var body = $("ladder");
    body.textContent = "";
    if (!state.ladder.length) {
      var tr0 = document.createElement("tr"); tr0.className = "empty";
      var td0 = document.createElement("td"); td0.colSpan = 5; td0.className = "muted"; td0.textContent = T.noBids;
      tr0.appendChild(td0); body.appendChild(tr0); return;
    }
    var mine = state.viewer && state.viewer.label;
    state.ladder.slice().reverse().forEach(function (r, i) {
      var tr = document.createElement("tr");
      if (i === 0) tr.className = "lead";
      if (mine && r.label === mine) tr.className += " mine";
      var who = r.agency ? r.agency + " (" + r.label + ")" : fmt(T.bidder, { label: r.label });
      // rank in the price order (every accepted bid beats the one before), then the bid number
      [String(i + 1), String(r.seq), who, money(r.value), momentOf(r.placed_at)].forEach(function (text, j) {
        var td = document.createElement("td");
        if (j === 1) td.className = "muted";
        if (j === 3) td.className = "num";
        td.textContent = text; tr.appendChild(td);
      });
      body.appendChild(tr);
    });
  }

  var SVGNS = "http://www.w3.org/2000/svg";
  function el(name, attrs, text) {
    var e = document.createElementNS(SVGNS, name);
    Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function renderChart() {
    var svg = $("chart");
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    var W = 640, H = 240, L = 70, R = 12, TOP = 12, B = 28;
    var lo = num(state.floor), hi = num(state.ceiling);
    var t0 = new Date(state.starts_at || (state.ladder[0] && state.ladder[0].placed_at) || state.server_time).getTime();
    var t1 = Math.max(new Date(state.ends_at || state.server_time).getTime(), t0 + 60000);
    if (state.ladder.length) {
      var vs = state.ladder.map(function (r) { return num(r.value); });
      // zoom onto the bids, keeping a margin, but never beyond ceiling/floor
      var vmin = Math.min.apply(null, vs), vmax = Math.max.apply(null, vs);
      var pad = Math.max((vmax - vmin) * 0.15, step() * 2);
      lo = Math.max(lo, vmin - pad); hi = Math.min(hi, vmax + pad);
      if (hi <= lo) { hi = lo + step(); }
    }
    var x = function (t) { return L + (W - L - R) * Math.min(1, Math.max(0, (t - t0) / (t1 - t0))); };
    var y = function (v) { return TOP + (H - TOP - B) * (1 - (v - lo) / (hi - lo)); };
    // grid and axes
    for (var i = 0; i <= 4; i++) {
      var v = lo + (hi - lo) * i / 4, gy = y(v);
      svg.appendChild(el("line", { x1: L, x2: W - R, y1: gy, y2: gy, "class": "grid" }));
      svg.appendChild(el("text", { x: L - 6, y: gy + 4, "class": "tick", "text-anchor": "end" }, money(v).replace(/\.00$/, "")));
    }
    svg.appendChild(el("text", { x: L, y: H - 8, "class": "tick" }, timeOf(new Date(t0).toISOString())));
    svg.appendChild(el("text", { x: W - R, y: H - 8, "class": "tick", "text-anchor": "end" }, timeOf(new Date(t1).toISOString())));
    var nowX = x(serverNow());
    svg.appendChild(el("line", { x1: nowX, x2: nowX, y1: TOP, y2: H - B, "class": "now" }));
    if (!state.ladder.length) {
      svg.appendChild(el("text", { x: (W + L) / 2, y: H / 2, "class": "empty", "text-anchor": "middle" }, T.noBidsChart));
      return;
    }
    var pts = [], prev = null;
    state.ladder.forEach(function (r) {
      var px = x(new Date(r.placed_at).getTime()), py = y(num(r.value));
      if (prev !== null) pts.push(px + "," + prev);   // step line: the best holds until improved
      pts.push(px + "," + py); prev = py;
    });
    var endX = state.closed ? x(new Date(state.ends_at).getTime()) : Math.min(nowX, W - R);
    pts.push(endX + "," + prev);
    svg.appendChild(el("polyline", { points: pts.join(" "), "class": "line" }));
    state.ladder.forEach(function (r, i) {
      var c = el("circle", { cx: x(new Date(r.placed_at).getTime()), cy: y(num(r.value)), r: i === state.ladder.length - 1 ? 5 : 3,
        "class": (state.viewer && r.label === state.viewer.label) ? "pt mine" : "pt" });
      c.appendChild(el("title", {}, fmt(T.bidder, { label: r.label }) + " " + money(r.value) + " · " + momentOf(r.placed_at)));
      svg.appendChild(c);
    });
  }

  function renderYou(best) {
    var rank = ownRank();
    if ($("own-rank")) $("own-rank").textContent = rank ? fmt(T.rank, { rank: rank }) : "";
    var leading = !!(best && state.viewer && best.label === state.viewer.label);
    var standing = $("standing");
    if (standing) {
      // while leading, the hint under the form says so already (T.leading)
      standing.textContent = state.closed || !rank ? "" : (leading ? ($("bid-hint") ? "" : T.holding) : fmt(T.outbid, { rank: rank }));
      standing.className = "standing" + (rank && !leading && !state.closed ? " outbid" : "");
    }
    // "Your bid was accepted" is true only while it leads: once outbid it goes (the standing says so).
    if (!leading && msgKind === "ok") flash("", "");
    var hint = $("bid-hint");
    if (!hint) return;
    var form = $("bid-form");
    form.hidden = !!state.closed;
    var lower = state.lower_wins, limit;
    if (leading) { hint.textContent = T.leading; return; }
    if (!best) {
      limit = lower ? state.ceiling : state.floor;
      hint.textContent = fmt(lower ? T.hintFirstLower : T.hintFirstHigher, { limit: money(limit) });
    } else {
      limit = lower ? num(best.value) - step() : num(best.value) + step();
      hint.textContent = fmt(lower ? T.hintLower : T.hintHigher, { limit: money(limit) });
      var input = $("bid-value");
      if (input && document.activeElement !== input) input.placeholder = limit.toFixed(2);
    }
  }

  function renderResult() {
    var box = $("result");
    if (!state.closed || !state.result) return;
    box.hidden = false;
    box.textContent = "";
    var r = state.result;
    var p = document.createElement("p");
    if (r.winner) {
      p.className = "result-winner";
      p.textContent = fmt(T.winner, { name: r.winner.agency, label: r.winner.label, price: money(r.winner.price) });
      box.appendChild(p);
      var p2 = document.createElement("p");
      var a = document.createElement("a");
      a.className = "btn"; a.id = "award-link"; a.href = r.award.url; a.textContent = T.awardLink;
      var code = document.createElement("span");
      code.className = "muted small"; code.textContent = " " + T.code + " " + r.award.code;
      p2.appendChild(a); p2.appendChild(code); box.appendChild(p2);
    } else {
      p.className = "result-failed"; p.textContent = r.reason || T.failed; box.appendChild(p);
    }
    if ($("bid-form")) $("bid-form").hidden = true;
    if ($("watch-reason")) $("watch-reason").hidden = true;
  }

  function tick() {
    var cd = $("countdown"), label = $("clock-label");
    if (state.closed) { cd.textContent = T.ended; cd.className = "figure-value ended"; return; }
    var now = serverNow();
    var start = state.starts_at ? new Date(state.starts_at).getTime() : 0;
    var ends = state.ends_at ? new Date(state.ends_at).getTime() : 0;
    var target = now < start ? start : ends;
    label.textContent = now < start ? T.notStarted : T.timeLeft;
    var left = Math.max(0, Math.round((target - now) / 1000));
    var h = Math.floor(left / 3600), m = Math.floor(left % 3600 / 60), s = left % 60;
    var p = function (v) { return (v < 10 ? "0" : "") + v; };
    cd.textContent = (h ? h + ":" : "") + p(m) + ":" + p(s);
    cd.className = "figure-value" + (left <= 60 ? " urgent" : "");
    // The deadline passed and no result arrived: a resync makes the server close it.
    if (now >= ends && ends && Date.now() - closeAsked > 3000) {
      closeAsked = Date.now();
      send({ type: "resync" });
    }
  }

  function setConn(kind) {
    var c = $("conn");
    c.dataset.state = kind;
    c.textContent = T[kind];
  }

  function send(obj) {
    if (ws && ws.readyState === 1) { ws.send(JSON.stringify(obj)); return true; }
    return false;
  }

  function resync() {
    if (resyncAsked) return;
    resyncAsked = true;
    send({ type: "resync" });
  }

  // One frame per server tick carries every bid since the previous one (from..to, in order):
  // those the snapshot already covers are skipped; a frame starting past the next number means
  // frames were missed, so the page re-reads the truth.
  function onBids(msg) {
    if (msg.to <= state.seq) return;                    // already in the snapshot
    if (msg.from > state.seq + 1) { resync(); return; } // a gap
    var extended = false;
    msg.bids.forEach(function (ev) {
      if (ev.seq <= state.seq) return;
      state.ladder.push({ seq: ev.seq, label: ev.label, value: ev.value, placed_at: ev.placed_at });
      state.seq = ev.seq;
      extended = extended || ev.extended;
    });
    state.best = msg.best;
    if (msg.ends_at) state.ends_at = msg.ends_at;
    render();
    if (extended) flash(T.extended, "info");
  }

  function onClosed(ev) {
    if (ev.seq > state.seq) { resync(); return; }
    state.closed = true;
    state.open = false;
    state.status = ev.status;
    state.status_label = T.closed;
    if (ev.ladder && ev.ladder.length) state.ladder = ev.ladder;
    state.result = { status: ev.status, reason: ev.reason, winner: ev.winner, award: ev.award };
    render();
    resync();   // the snapshot brings the translated status and the full result
  }

  var msgKind = "";
  function flash(text, kind) {
    var m = $("bid-msg");
    msgKind = kind || "";
    if (!m) return;
    m.textContent = text;
    m.className = "bid-msg " + (kind || "");
  }

  function connect() {
    var proto = location.protocol === "https:" ? "wss://" : "ws://";
    setConn(retry ? "offline" : "connecting");
    ws = new WebSocket(proto + location.host + root.dataset.wsPath);
    ws.onopen = function () { retry = 0; setConn("connected"); };
    ws.onmessage = function (e) {
      var msg;
      try { msg = JSON.parse(e.data); } catch (err) { return; }
      if (msg.type === "snapshot") applySnapshot(msg);
      else if (msg.type === "bids") onBids(msg);
      else if (msg.type === "auction.closed") onClosed(msg);
      else if (msg.type === "bid.accepted") {
        var input = $("bid-value"); if (input) input.value = "";
        // Already outbid when the answer arrives (a rival's bid came first): say so instead.
        if (msg.seq < state.seq) renderYou(state.ladder[state.ladder.length - 1]);
        else flash(fmt(T.accepted, { seq: msg.seq }), "ok");
        if (msg.seq > state.seq + 1) resync();
      } else if (msg.type === "resync") {
        // The server's relay lost frames (e.g. Redis restarted): re-read the truth.
        resyncAsked = false; resync();
      } else if (msg.type === "error") {
        flash(msg.message, "bad");
        if (msg.code === "step") { resyncAsked = false; resync(); }  // our best may be stale
      }
    };
    ws.onclose = function () {
      setConn("offline");
      retry += 1;
      var delay = Math.min(15000, 500 * Math.pow(2, retry - 1)) * (0.75 + Math.random() / 2);
      setTimeout(connect, delay);     // on reconnect the server sends a fresh snapshot
    };
  }

  // A bid cannot be withdrawn: it is confirmed in a <dialog> first (keyboard: the dialog takes
  // the focus, starting on "Back"; Esc cancels; Tab moves between the two buttons). Without
  // <dialog> support the form posts and the server asks instead (bidding/views/auctions.py).
  function sendBid(value) {
    refSeq += 1;
    flash(T.sending, "");
    if (!send({ type: "bid", value: value, ref: refSeq })) {
      // HTTP fallback: the same service behind the API
      var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
      fetch(root.dataset.api, { method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
        body: JSON.stringify({ value: value }) })
        .then(function (r) { return r.json().then(function (b) { return [r.ok, b]; }); })
        .then(function (res) { flash(res[0] ? fmt(T.accepted, { seq: res[1].seq }) : res[1].detail, res[0] ? "ok" : "bad"); })
        .catch(function () { flash(T.offline, "bad"); });
    }
  }

  var form = $("bid-form");
  var dialog = $("bid-confirm");
  var asked = null;
  if (form) {
    form.addEventListener("submit", function (e) {
      var value = $("bid-value").value.trim().replace(/,/g, "");
      if (dialog && typeof dialog.showModal !== "function") return;  // the server confirms
      e.preventDefault();
      if (!value) { $("bid-value").focus(); return; }
      if (!dialog) { sendBid(value); return; }
      asked = value;
      var shown = isNaN(Number(value)) ? value : money(value);
      $("bid-confirm-text").textContent = fmt(state.lower_wins ? T.confirmLower : T.confirmHigher, { value: shown });
      dialog.returnValue = "";
      dialog.showModal();
      $("bid-confirm-no").focus();
    });
  }
  if (dialog && form) {
    dialog.addEventListener("close", function () {
      var value = asked;
      asked = null;
      $("bid-value").focus();
      if (dialog.returnValue === "confirm" && value) sendBid(value);
    });
  }

  applySnapshot(state);
  setInterval(tick, 250);
  setInterval(function () { if (!state.closed) renderChart(); }, 5000);
  connect();
})();
