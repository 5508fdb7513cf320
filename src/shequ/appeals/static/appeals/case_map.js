/* The intake map: tap to set the point (fills the lng/lat fields), or use the phone's location. */
(function () {
  "use strict";
  function init() {
    var box = document.getElementById("case-map");
    var dataNode = document.getElementById("case-map-data");
    if (!box || !dataNode || typeof L === "undefined") { return; }
    var data = JSON.parse(dataNode.textContent);
    var lng = document.getElementById("lng");
    var lat = document.getElementById("lat");
    var crs = document.getElementById("crs");
    var map = L.map(box, { zoomControl: true }).setView([data.lat, data.lng], 16);
    if (data.tiles) {
      L.tileLayer(data.tiles, { maxZoom: 19 }).addTo(map);
      if (crs) { crs.value = data.crs || "wgs84"; }
    }
    var marker = null;
    function put(latlng) {
      if (marker) { marker.setLatLng(latlng); } else { marker = L.circleMarker(latlng, { radius: 9 }).addTo(map); }
      lng.value = latlng.lng.toFixed(7);
      lat.value = latlng.lat.toFixed(7);
      box.setAttribute("data-picked", "1");
    }
    map.on("click", function (e) { put(e.latlng); });
    if (lng.value && lat.value) { put(L.latLng(parseFloat(lat.value), parseFloat(lng.value))); }
    var locate = document.getElementById("locate-me");
    if (locate && navigator.geolocation) {
      locate.addEventListener("click", function () {
        navigator.geolocation.getCurrentPosition(function (pos) {
          if (crs) { crs.value = "wgs84"; }
          var here = L.latLng(pos.coords.latitude, pos.coords.longitude);
          map.setView(here, 17);
          put(here);
        });
      });
    }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
