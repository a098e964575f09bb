/*
 * dashboard.js — the command centre's big screen (/dashboard/). The page works without it (server-
 * rendered, htmx polling and links); this file adds:
 *   - map drill-down by clicking an area of the district map (street → community → grid → complaints),
 *     using DistrictMap (static/js/districtmap.js) which draws the map and colours the areas;
 *   - a short highlight on the live figures that changed since the last refresh;
 *   - no polling while the tab is hidden (htmx requests are cancelled then).
 */
(function (window, document) {
  "use strict";

  var previous = {};

  function remember(root) {
    (root || document).querySelectorAll("[data-kpi]").forEach(function (el) {
      var key = el.getAttribute("data-kpi");
      var text = el.textContent.trim();
      if (key in previous && previous[key] !== text) el.classList.add("changed");
      previous[key] = text;
    });
  }

  function drillable(root) {
    var element = (root || document).querySelector ? (root || document).querySelector("#district-map") : null;
    if (!element && root && root.id === "district-map") element = root;
    if (!element || !element.districtMap || element.getAttribute("data-drill-ready")) return;
    element.setAttribute("data-drill-ready", "1");
    var level = element.getAttribute("data-level");
    var url = element.getAttribute("data-drill-url");
    element.districtMap.ready.then(function (map) {
      var layer = map.layers[level];
      if (!layer || !window.htmx) return;
      layer.eachLayer(function (shape) {
        shape.on("click", function () {
          var code = shape.feature && shape.feature.properties.code;
          if (code) window.htmx.ajax("GET", url + encodeURIComponent(code), { target: "#map-panel", swap: "innerHTML" });
        });
      });
      element.setAttribute("data-map-ready", "1");
    });
  }

  document.addEventListener("htmx:load", function (event) {
    remember(event.target);
    drillable(event.target);
  });
  // Hidden tab: skip the polls (the next visible poll brings everything up to date).
  document.addEventListener("htmx:beforeRequest", function (event) {
    if (document.hidden && event.detail.requestConfig && event.detail.requestConfig.triggeringEvent == null) {
      event.preventDefault();
    }
  });

  function start() {
    remember(document);
    drillable(document);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})(window, document);
