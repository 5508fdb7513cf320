/* Grid work in the field: watermarked photos, an offline queue sent exactly once, patrol tracks.
 *
 * Every visit or check gets a client-generated idempotency key when the form opens.  On
 * submit the record (photos included, as data URLs) goes into an IndexedDB queue first,
 * then the queue is flushed: a record leaves the queue only when the server answered it
 * (201 created, 200 already had it, or 4xx refused with field messages).  A lost
 * connection or a timeout leaves it queued; the same key is resent when the connection
 * returns, and the server's unique key makes the resend return the first row.
 */
(function () {
  "use strict";
  var root = document.getElementById("field");
  if (!root) return;
  var API = root.getAttribute("data-api");
  var DB_NAME = "shequ-gridwork";
  var STORE = "outbox";
  var statusEl = document.getElementById("queue-status");
  var flushing = false;
  var MESSAGES = (function () {
    var el = document.getElementById("field-messages");
    try { return el ? JSON.parse(el.textContent) : {}; } catch (e) { return {}; }
  })();
  /* The page's translated text for ``key``, with %(name)s placeholders filled from ``params``. */
  function t(key, params) {
    var text = MESSAGES[key] || key;
    return text.replace(/%\((\w+)\)s/g, function (_m, name) {
      return params && params[name] !== undefined ? String(params[name]) : "";
    });
  }

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    b[6] = (b[6] & 15) | 64;
    b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function csrf() {
    var m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (m) return decodeURIComponent(m[1]);
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  // ------------------------------------------------------------------ IndexedDB queue
  function db() {
    return new Promise(function (resolve, reject) {
      var req = indexedDB.open(DB_NAME, 1);
      req.onupgradeneeded = function () { req.result.createObjectStore(STORE, { keyPath: "key" }); };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }
  function tx(mode, fn) {
    return db().then(function (d) {
      return new Promise(function (resolve, reject) {
        var t = d.transaction(STORE, mode);
        var out = fn(t.objectStore(STORE));
        t.oncomplete = function () { d.close(); resolve(out && out.result !== undefined ? out.result : out); };
        t.onerror = function () { d.close(); reject(t.error); };
      });
    });
  }
  function queueAll() { return tx("readonly", function (s) { return s.getAll(); }); }
  function queuePut(item) { return tx("readwrite", function (s) { return s.put(item); }); }
  function queueDelete(key) { return tx("readwrite", function (s) { return s.delete(key); }); }

  function showStatus(text, state) {
    if (!statusEl) return;
    statusEl.textContent = text;
    statusEl.hidden = !text;
    statusEl.setAttribute("data-state", state || "");
  }
  function refreshStatus(sentSome) {
    return queueAll().then(function (items) {
      var waiting = items.filter(function (i) { return !i.failed; }).length;
      if (waiting) showStatus(t("waiting", { n: waiting }) + (navigator.onLine ? "" : t("offline_hint")), "waiting");
      else if (sentSome) showStatus(t("sent"), "sent");
      var failed = items.filter(function (i) { return i.failed; });
      if (failed.length) showStatus(t("refused", { n: failed.length, message: failed[0].message }), "failed");
      return waiting;
    });
  }

  function post(path, body, timeoutMs) {
    var ctrl = window.AbortController ? new AbortController() : null;
    var timer = ctrl ? setTimeout(function () { ctrl.abort(); }, timeoutMs || 30000) : null;
    return fetch(API + path, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
      body: JSON.stringify(body),
      signal: ctrl ? ctrl.signal : undefined,
    }).finally(function () { if (timer) clearTimeout(timer); });
  }

  function firstMessage(data) {
    var errors = (data && data.errors) || {};
    for (var k in errors) if (errors[k] && errors[k].length) return errors[k][0];
    return (data && data.detail) || t("failed");
  }

  function flush() {
    if (flushing) return Promise.resolve();
    flushing = true;
    var sent = false;
    return queueAll().then(function (items) {
      var pending = items.filter(function (i) { return !i.failed; }).sort(function (a, b) { return a.queuedAt - b.queuedAt; });
      var chain = Promise.resolve(true);
      pending.forEach(function (item) {
        chain = chain.then(function (go) {
          if (!go) return false;
          return post(item.endpoint, item.payload).then(function (r) {
            if (r.status === 200 || r.status === 201) {
              sent = true;
              return queueDelete(item.key).then(function () { return true; });
            }
            if (r.status >= 400 && r.status < 500 && r.status !== 401 && r.status !== 403 && r.status !== 408 && r.status !== 429) {
              return r.json().catch(function () { return {}; }).then(function (data) {
                item.failed = true;
                item.message = firstMessage(data);
                item.errors = (data && data.errors) || {};
                return queuePut(item).then(function () { return true; });
              });
            }
            return false; // server trouble or signed out: keep it, try later
          }, function () { return false; }); // offline or timed out: keep it
        });
      });
      return chain;
    }).then(function () {
      flushing = false;
      return refreshStatus(sent);
    }, function () { flushing = false; });
  }

  window.addEventListener("online", function () { flush(); });
  window.addEventListener("offline", function () { refreshStatus(false); });
  setInterval(function () { if (navigator.onLine) flush(); }, 15000);
  window.shequFieldQueue = { flush: flush, all: queueAll };

  // ------------------------------------------------------------------ position and watermark
  var lastFix = null;
  function locate() {
    return new Promise(function (resolve) {
      if (!navigator.geolocation) return resolve(lastFix);
      navigator.geolocation.getCurrentPosition(function (p) {
        lastFix = { lat: p.coords.latitude, lng: p.coords.longitude, accuracy: p.coords.accuracy };
        resolve(lastFix);
      }, function () { resolve(lastFix); }, { enableHighAccuracy: true, timeout: 8000, maximumAge: 60000 });
    });
  }
  var shanghai = new Intl.DateTimeFormat("zh-CN", {
    timeZone: "Asia/Shanghai", year: "numeric", month: "numeric", day: "numeric",
    hour: "2-digit", minute: "2-digit", hour12: false,
  });
  function stamp(d) {
    var p = {};
    shanghai.formatToParts(d).forEach(function (x) { p[x.type] = x.value; });
    return t("stamp", { year: p.year, month: p.month, day: p.day, hour: p.hour, minute: p.minute });
  }
  function gridName(form) {
    var g = form.querySelector("#grid");
    if (!g) return "";
    if (g.tagName === "SELECT") return g.options[g.selectedIndex] ? g.options[g.selectedIndex].text : "";
    return g.getAttribute("data-name") || "";
  }

  function watermark(file, grid) {
    var taken = new Date();
    return locate().then(function (fix) {
      return new Promise(function (resolve, reject) {
        var url = URL.createObjectURL(file);
        var img = new Image();
        img.onload = function () {
          URL.revokeObjectURL(url);
          var scale = Math.min(1, 1600 / Math.max(img.naturalWidth, img.naturalHeight));
          var w = Math.max(1, Math.round(img.naturalWidth * scale));
          var h = Math.max(1, Math.round(img.naturalHeight * scale));
          var c = document.createElement("canvas");
          c.width = w; c.height = h;
          var ctx = c.getContext("2d");
          ctx.drawImage(img, 0, 0, w, h);
          var lines = [stamp(taken)];
          lines.push(fix ? t("position", { lat: fix.lat.toFixed(6), lng: fix.lng.toFixed(6) }) : t("no_position"));
          if (grid) lines.push(grid);
          var size = Math.max(14, Math.round(w / 28));
          ctx.font = size + "px sans-serif";
          var band = (size * 1.35) * lines.length + size * 0.6;
          ctx.fillStyle = "rgba(0,0,0,0.55)";
          ctx.fillRect(0, h - band, w, band);
          ctx.fillStyle = "#fff";
          lines.forEach(function (line, i) { ctx.fillText(line, size * 0.5, h - band + size * 1.25 * (i + 1)); });
          resolve({
            data: c.toDataURL("image/jpeg", 0.85),
            taken_at: taken.toISOString(),
            lat: fix ? Number(fix.lat.toFixed(6)) : null,
            lng: fix ? Number(fix.lng.toFixed(6)) : null,
            watermark: lines.join(" "),
          });
        };
        img.onerror = function () { URL.revokeObjectURL(url); reject(new Error("not an image")); };
        img.src = url;
      });
    });
  }

  // ------------------------------------------------------------------ the visit and check forms
  function setupForm(form) {
    var key = uuid();
    var photos = {}; // group → [photo]
    var busy = 0;

    form.querySelectorAll("input[type=file][data-photos]").forEach(function (input) {
      input.addEventListener("change", function () {
        var group = input.getAttribute("data-photos");
        var file = input.files && input.files[0];
        if (!file) return;
        busy += 1;
        form.setAttribute("data-busy", String(busy));
        watermark(file, gridName(form)).then(function (photo) {
          var list = input.getAttribute("data-single") ? [] : (photos[group] || []);
          if (list.length >= 3) list.shift();
          list.push(photo);
          photos[group] = list;
          var box = form.querySelector('[data-previews="' + group + '"]');
          if (box) {
            box.innerHTML = "";
            list.forEach(function (p) {
              var im = document.createElement("img");
              im.src = p.data; im.alt = p.watermark; im.className = "photo-preview";
              box.appendChild(im);
            });
          }
        }, function () {
          showError(form, input.getAttribute("data-photos") === "photos" ? "photos" : "__all__", t("not_image"));
        }).then(function () {
          busy -= 1;
          form.setAttribute("data-busy", String(busy));
          input.value = "";
        });
      });
    });

    var needBox = form.querySelector("#needs");
    var needTpl = form.querySelector("#need-row");
    var addNeed = form.querySelector("#need-add");
    if (addNeed && needTpl && needBox) {
      addNeed.addEventListener("click", function () {
        var row = needTpl.content.firstElementChild.cloneNode(true);
        row.querySelector(".need-remove").addEventListener("click", function () { row.remove(); });
        needBox.appendChild(row);
        row.querySelector("input").focus();
      });
    }

    var gridSel = form.querySelector("select#grid");
    function filterByGrid() {
      if (!gridSel) return;
      form.querySelectorAll("option[data-grid]").forEach(function (o) {
        o.hidden = o.getAttribute("data-grid") !== gridSel.value;
      });
    }
    if (gridSel) { gridSel.addEventListener("change", filterByGrid); filterByGrid(); }

    form.querySelectorAll(".check-item").forEach(function (row) {
      row.querySelectorAll("input[type=radio]").forEach(function (r) {
        r.addEventListener("change", function () {
          row.querySelector(".finding").hidden = r.value !== "fail" || !r.checked;
          row.setAttribute("data-result", r.value);
        });
      });
    });

    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      if (busy > 0) { showError(form, "__all__", t("photo_busy")); return; }
      clearErrors(form);
      var kind = form.getAttribute("data-kind");
      var payload = kind === "visit" ? visitPayload(form, key, photos) : checkPayload(form, key, photos);
      if (!payload) return;
      var item = { key: key, kind: kind, endpoint: form.getAttribute("data-endpoint"), payload: payload, queuedAt: Date.now() };
      queuePut(item).then(function () {
        form.reset();
        form.querySelectorAll(".photo-previews").forEach(function (b) { b.innerHTML = ""; });
        form.querySelectorAll(".finding").forEach(function (b) { b.hidden = true; });
        if (needBox) needBox.innerHTML = "";
        photos = {};
        key = uuid(); // the next record gets its own key
        return refreshStatus(false);
      }).then(function () { return flush(); }).then(function () {
        return queueAll();
      }).then(function (items) {
        var mine = items.filter(function (i) { return i.key === item.key; })[0];
        if (mine && mine.failed) {
          Object.keys(mine.errors || {}).forEach(function (f) { showError(form, f, mine.errors[f][0]); });
          queueDelete(mine.key).then(function () { refreshStatus(false); });
          restore(form, mine.payload);
          key = mine.key;
        }
      });
    });
  }

  function restore(form, payload) {
    ["summary", "notes", "location"].forEach(function (n) {
      var el = form.querySelector("#" + n);
      if (el && payload[n] !== undefined) el.value = payload[n];
    });
    var hh = form.querySelector("#household");
    if (hh && payload.household_id) hh.value = String(payload.household_id);
  }

  function showError(form, field, message) {
    var key = field.split(".")[0];
    var el = form.querySelector('[data-error="' + field + '"]') || form.querySelector('[data-error="' + key + '"]') ||
      form.querySelector('[data-error="__all__"]');
    if (el) { el.textContent = message; el.hidden = false; }
  }
  function clearErrors(form) {
    form.querySelectorAll("[data-error]").forEach(function (e) { e.hidden = true; e.textContent = ""; });
  }
  function intOrNull(v) { return v ? parseInt(v, 10) : null; }

  function visitPayload(form, key, photos) {
    var household = intOrNull(form.querySelector("#household").value);
    var summary = form.querySelector("#summary").value.trim();
    var ok = true;
    if (!household) { showError(form, "household_id", t("choose_household")); ok = false; }
    if (!summary) { showError(form, "summary", t("summary_required")); ok = false; }
    if (!ok) return null;
    var needs = [];
    form.querySelectorAll(".need-row").forEach(function (row) {
      var d = row.querySelector("[name=need_description]").value.trim();
      if (d) needs.push({ kind: row.querySelector("[name=need_kind]").value, description: d });
    });
    return {
      key: key,
      grid_id: intOrNull(form.querySelector("#grid").value),
      household_id: household,
      visited_at: new Date().toISOString(),
      summary: summary,
      needs: needs,
      photos: photos.photos || [],
    };
  }

  function checkPayload(form, key, photos) {
    var results = [], findings = [];
    form.querySelectorAll(".check-item").forEach(function (row) {
      var checked = row.querySelector("input[type=radio]:checked");
      if (!checked) return;
      var item = parseInt(row.getAttribute("data-item"), 10);
      results.push({ item_id: item, result: checked.value, note: "" });
      if (checked.value === "fail") {
        var due = row.querySelector("[name=finding-due]").value;
        var ph = (photos["finding-" + item] || [])[0] || null;
        findings.push({
          item_id: item,
          description: row.querySelector("[name=finding-description]").value.trim(),
          severity: row.querySelector("[name=finding-severity]").value,
          due_on: due || null,
          photo: ph,
        });
      }
    });
    if (!results.length) { showError(form, "results", t("results_required")); return null; }
    var place = form.querySelector("#place");
    return {
      key: key,
      grid_id: intOrNull(form.querySelector("#grid").value),
      place_id: place ? intOrNull(place.value) : null,
      location: form.querySelector("#location").value.trim(),
      checked_at: new Date().toISOString(),
      notes: form.querySelector("#notes").value.trim(),
      results: results,
      findings: findings,
      photos: photos.photos || [],
    };
  }

  document.querySelectorAll("form.field-form[data-kind]").forEach(setupForm);

  // ------------------------------------------------------------------ patrol
  var patrolBox = document.getElementById("patrol");
  if (patrolBox) setupPatrol(patrolBox);

  function setupPatrol(box) {
    var button = document.getElementById("patrol-toggle");
    var state = document.getElementById("patrol-state");
    var notes = document.getElementById("patrol-notes");
    var notesLabel = box.querySelector(".patrol-notes-label");
    var POINTS = "shequ-gridwork-points";
    var patrolId = box.getAttribute("data-patrol");
    var watch = null;
    var points = JSON.parse(localStorage.getItem(POINTS) || "[]");

    function save() { localStorage.setItem(POINTS, JSON.stringify(points)); }
    function sendPoints() {
      if (!patrolId || !points.length) return Promise.resolve();
      var batch = points.slice(0, 200);
      return post("patrols/" + patrolId + "/points", { points: batch }).then(function (r) {
        if (r.ok || (r.status >= 400 && r.status < 500)) { // sent, or refused (patrol stopped): drop them
          var sent = {}; batch.forEach(function (p) { sent[p.key] = true; });
          points = points.filter(function (p) { return !sent[p.key]; });
          save();
        }
      }, function () {});
    }
    function startWatch() {
      if (!navigator.geolocation || watch !== null) return;
      watch = navigator.geolocation.watchPosition(function (p) {
        points.push({ key: uuid(), at: new Date(p.timestamp || Date.now()).toISOString(),
          lat: Number(p.coords.latitude.toFixed(6)), lng: Number(p.coords.longitude.toFixed(6)),
          accuracy: p.coords.accuracy });
        save();
        state.textContent = t("patrol_points", { n: points.length });
        if (points.length >= 10) sendPoints();
      }, function () {}, { enableHighAccuracy: true, maximumAge: 10000 });
    }
    function stopWatch() { if (watch !== null) navigator.geolocation.clearWatch(watch); watch = null; }
    function on(isOn) {
      button.textContent = isOn ? t("patrol_stop") : t("patrol_start");
      notes.hidden = !isOn; if (notesLabel) notesLabel.hidden = !isOn;
      if (isOn) startWatch(); else stopWatch();
    }
    if (patrolId) on(true);
    setInterval(sendPoints, 20000);

    button.addEventListener("click", function () {
      button.disabled = true;
      var grid = parseInt(document.getElementById("patrol-grid").value, 10);
      var done = function () { button.disabled = false; };
      if (!patrolId) {
        post("patrols", { key: uuid(), grid_id: grid }).then(function (r) {
          return r.json().then(function (data) {
            if (r.ok) { patrolId = String(data.id); box.setAttribute("data-patrol", patrolId); state.textContent = t("patrolling"); on(true); }
            else state.textContent = firstMessage(data);
          });
        }, function () { state.textContent = t("patrol_start_offline"); }).then(done, done);
      } else {
        sendPoints().then(function () {
          return post("patrols/" + patrolId + "/stop", { notes: notes.value });
        }).then(function (r) {
          return r.json().then(function (data) {
            if (r.ok) {
              patrolId = null; box.removeAttribute("data-patrol"); on(false); points = []; save();
              state.textContent = t("patrol_done", { m: data.distance_m, n: data.point_count });
            } else state.textContent = firstMessage(data);
          });
        }, function () { state.textContent = t("patrol_stop_offline"); }).then(done, done);
      }
    });
  }

  refreshStatus(false).then(function (n) { if (n && navigator.onLine) flush(); });
})();
