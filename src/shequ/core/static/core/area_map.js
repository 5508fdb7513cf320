/* The area map: outlines, children, the uncovered part, and a click-the-vertices boundary editor. */
(function () {
  "use strict";

  function init() {
    var holder = document.getElementById("area-map");
    var dataNode = document.getElementById("area-map-data");
    if (!holder || !dataNode || !window.L) { return; }
    var data = JSON.parse(dataNode.textContent);
    var map = L.map(holder, { zoomControl: true, attributionControl: false });
    window.shequAreaMap = map;
    if (data.tile_url) {
      L.tileLayer(data.tile_url, { maxZoom: 19 }).addTo(map);
    }
    var bounds = L.latLngBounds([]);
    var layers = {};

    function add(geometry, style, label) {
      if (!geometry) { return null; }
      var layer = L.geoJSON(geometry, { style: style, interactive: false }).addTo(map);
      if (label) { layer.bindTooltip(label, { permanent: true, direction: "center", className: "area-label" }); }
      bounds.extend(layer.getBounds());
      return layer;
    }

    add(data.frame.geometry, { color: "#1f4e79", weight: 3, fill: false });
    add(data.uncovered, { color: "#b8860b", weight: 1, fillColor: "#ffc107", fillOpacity: 0.35, className: "uncovered" });
    data.children.forEach(function (c) {
      layers[c.id] = add(c.geometry, {
        color: "#2e7d32", weight: c.focus ? 3 : 2, fillColor: "#2e7d32", fillOpacity: 0.12
      }, c.name);
    });
    if (bounds.isValid()) {
      map.fitBounds(bounds, { padding: [20, 20] });
    } else {
      map.setView([32.0603, 118.7969], 14); // 南京 city centre: nothing drawn yet
    }

    // ------------------------------------------------------------------ editor
    var panel = document.getElementById("draw-panel");
    var status = document.getElementById("draw-status");
    var errors = document.getElementById("draw-errors");
    var editing = null;
    var vertices = [];
    var sketch = null;
    var overlapLayer = null;
    var targets = {};
    data.children.forEach(function (c) { targets[c.id] = c; });
    if (data.single) { targets[data.single.id] = data.single; }

    function text(key) { return panel.getAttribute("data-" + key) || ""; }

    function redraw() {
      if (sketch) { map.removeLayer(sketch); sketch = null; }
      if (vertices.length >= 2) {
        sketch = L.polygon(vertices, { color: "#0d47a1", weight: 2, dashArray: "4 4", fillOpacity: 0.1, className: "sketch" }).addTo(map);
      } else if (vertices.length === 1) {
        sketch = L.circleMarker(vertices[0], { radius: 4, className: "sketch" }).addTo(map);
      }
      status.textContent = text("drawing") + editing.name + "　" + text("points") + vertices.length;
    }

    function showErrors(messages) {
      errors.innerHTML = "";
      messages.forEach(function (m) {
        var p = document.createElement("p");
        p.className = "field-error";
        p.textContent = m;
        errors.appendChild(p);
      });
      errors.hidden = messages.length === 0;
    }

    function clearOverlap() {
      if (overlapLayer) { map.removeLayer(overlapLayer); overlapLayer = null; }
    }

    function stop() {
      editing = null;
      vertices = [];
      if (sketch) { map.removeLayer(sketch); sketch = null; }
      panel.hidden = true;
      holder.classList.remove("drawing");
    }

    document.querySelectorAll(".draw-start").forEach(function (button) {
      button.addEventListener("click", function () {
        editing = targets[button.getAttribute("data-area")];
        vertices = [];
        clearOverlap();
        showErrors([]);
        panel.hidden = false;
        holder.classList.add("drawing");
        redraw();
      });
    });

    // clicks near an existing corner snap to it, so that neighbouring grids share edges exactly
    var SNAP_PX = 10;
    var corners = [];
    function collect(coords) {
      if (typeof coords[0] === "number") { corners.push(L.latLng(coords[1], coords[0])); return; }
      coords.forEach(collect);
    }
    [data.frame.geometry].concat(data.children.map(function (c) { return c.geometry; })).forEach(function (g) {
      if (g) { collect(g.coordinates); }
    });

    function snapped(latlng) {
      var here = map.latLngToContainerPoint(latlng);
      var best = null;
      var bestDistance = SNAP_PX;
      corners.forEach(function (corner) {
        var d = map.latLngToContainerPoint(corner).distanceTo(here);
        if (d <= bestDistance) { best = corner; bestDistance = d; }
      });
      return best || latlng;
    }

    map.on("click", function (e) {
      if (!editing) { return; }
      vertices.push(snapped(e.latlng));
      redraw();
    });

    document.getElementById("draw-undo").addEventListener("click", function () {
      if (!editing) { return; }
      vertices.pop();
      redraw();
    });
    document.getElementById("draw-cancel").addEventListener("click", function () {
      clearOverlap();
      showErrors([]);
      stop();
    });
    document.getElementById("draw-save").addEventListener("click", function () {
      if (!editing) { return; }
      if (vertices.length < 3) { showErrors([text("need3")]); return; }
      var ring = vertices.map(function (p) { return [p.lng, p.lat]; });
      ring.push(ring[0]);
      var token = document.querySelector("input[name=csrfmiddlewaretoken]").value;
      fetch(editing.save_url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": token },
        body: JSON.stringify({ geometry: { type: "Polygon", coordinates: [ring] }, crs: data.crs })
      }).then(function (response) {
        return response.json().then(function (body) { return { status: response.status, body: body }; });
      }).then(function (result) {
        clearOverlap();
        if (result.body.ok) {
          status.textContent = text("saved");
          window.location.reload();
          return;
        }
        var messages = [];
        Object.keys(result.body.errors || {}).forEach(function (k) { messages = messages.concat(result.body.errors[k]); });
        showErrors(messages);
        if (result.body.overlap) {
          overlapLayer = L.geoJSON(result.body.overlap, {
            style: { color: "#c62828", weight: 2, fillColor: "#c62828", fillOpacity: 0.5, className: "overlap" },
            interactive: false
          }).addTo(map);
        }
      }).catch(function () { showErrors([text("failed")]); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
