/*
 * districtmap.js — the platform's own map of the district (Leaflet from npm, served by the platform).
 *
 * There is NO tile layer: the map is drawn from our GeoJSON endpoint
 *   GET /api/v1/grids/geojson/?level=district|street|community|grid&parent=CODE
 * (district boundary, streets, communities, grid cells), so nothing is loaded from outside the platform.
 *
 * Page set-up (Leaflet's CSS and JS before this file):
 *   <link rel="stylesheet" href="{% static 'vendor/leaflet/leaflet.css' %}">
 *   <script src="{% static 'vendor/leaflet/leaflet.js' %}" defer></script>
 *   <script src="{% static 'js/districtmap.js' %}" defer></script>
 *
 * API
 *   const map = DistrictMap.create(element, options)   // element: a sized block, e.g. <div class="map">
 *   options (all optional):
 *     geojsonUrl   "/api/v1/grids/geojson/"           endpoint of the layers
 *     locateUrl    "/api/v1/grids/locate/"            point → grid/community/street codes (pick mode)
 *     layers       ["district","street","community","grid"]   levels to draw, bottom to top
 *     parent       ""        restrict every layer to a division code (e.g. one street)
 *     labels       false     show community names as permanent labels
 *     pick         false | {lat: input|selector, lng: input|selector, onPick(point, place)}
 *                  click (or pickAt) puts a marker, fills the two inputs with 6-decimal degrees, resolves
 *                  the place with locateUrl and calls onPick({lat,lng}, place); place is
 *                  {grid, community, street, district, communityName, streetName, gridName}, or null
 *                  when the point is outside every grid cell (the inputs are then cleared).
 *                  Also dispatched as a bubbling DOM event "districtmap-pick" (detail {point, place}).
 *     values       {code: number}   colour the cells of valueLevel by value (choropleth, with legend)
 *     valueLevel   "grid"           level the values belong to ("grid", "community" or "street")
 *     valueLabel   ""               legend title, e.g. "诉求数"
 *     colors       5 sequential colours, light → dark (default: blues)
 *     breaks       [b1, b2, b3, b4] class limits; default: quantiles of the values
 *     markers      [{lat, lng, label, color, href}]   circle markers (label: plain text tooltip)
 *     onFeatureClick(properties, level)               a click on a cell/community/street
 *     fit          true      fit the view to the loaded territory
 *   map.ready             Promise resolved when every layer is drawn
 *   map.leaflet           the Leaflet map (for anything else)
 *   map.layers            {level: L.GeoJSON}
 *   map.names             {code: name} of everything loaded (divisions and cells)
 *   map.setValues(values, {valueLevel, valueLabel, breaks, colors})   re-colour
 *   map.setMarkers(markers)                                             replace the markers
 *   map.pickAt(lat, lng)  pick programmatically (same as a click); map.clearPick()
 *   map.fitTo(code)       zoom to one feature (any loaded level)
 *
 * Auto-start: every element with a data-district-map attribute is created on load, options read from
 *   data-layers="district,street,grid"  data-parent="440310001000"  data-labels
 *   data-pick-lat="#id_lat" data-pick-lng="#id_lng"  data-markers='[{"lat":..,"lng":..,"label":".."}]'
 *   data-values='{"440310001001001": 3}'  data-value-level="grid"  data-value-label="诉求数"
 * The instance is kept on the element as element.districtMap.
 */
(function (window, document) {
  "use strict";

  var MARKER_PANE = "districtmap-markers";
  var DEFAULT_COLORS = ["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"];
  var STYLES = {
    district: { color: "#0b3d6b", weight: 3, fill: true, fillColor: "#ffffff", fillOpacity: 1 },
    street: { color: "#3b5b7a", weight: 2, fill: false, dashArray: null },
    community: { color: "#6b7f93", weight: 1.2, fill: false, dashArray: "4 3" },
    grid: { color: "#9aa8b6", weight: 0.6, fill: true, fillOpacity: 0, fillColor: "#ffffff" },
  };

  function $(target) {
    return typeof target === "string" ? document.querySelector(target) : target || null;
  }

  function escapeText(text) {
    var span = document.createElement("span");
    span.textContent = text == null ? "" : String(text);
    return span.innerHTML;
  }

  function quantileBreaks(values, classes) {
    var sorted = values.filter(function (v) { return typeof v === "number" && isFinite(v); })
      .sort(function (a, b) { return a - b; });
    var breaks = [];
    if (!sorted.length) return breaks;
    for (var i = 1; i < classes; i++) {
      breaks.push(sorted[Math.min(sorted.length - 1, Math.floor((i * sorted.length) / classes))]);
    }
    return breaks;
  }

  function classOf(value, breaks) {
    var k = 0;
    while (k < breaks.length && value > breaks[k]) k++;
    return k;
  }

  function DistrictMap(element, options) {
    var self = this;
    this.element = element;
    this.options = Object.assign(
      {
        geojsonUrl: "/api/v1/grids/geojson/",
        locateUrl: "/api/v1/grids/locate/",
        layers: ["district", "street", "community", "grid"],
        parent: "",
        labels: false,
        pick: false,
        values: null,
        valueLevel: "grid",
        valueLabel: "",
        colors: DEFAULT_COLORS,
        breaks: null,
        markers: [],
        onFeatureClick: null,
        fit: true,
      },
      options || {}
    );
    this.layers = {};
    this.collections = {};
    this.names = {};
    this.leaflet = window.L.map(element, {
      zoomSnap: 0.25,
      attributionControl: false,
      zoomControl: true,
      preferCanvas: false,
    });
    this.leaflet.setView([0, 0], 2);
    // Markers live in a pane above the territory layers, whatever order the layers arrive in.
    this.leaflet.createPane(MARKER_PANE).style.zIndex = 650;
    this.markerLayer = window.L.layerGroup().addTo(this.leaflet);
    this.pickMarker = null;
    this.legend = null;
    if (this.options.pick) {
      this.leaflet.on("click", function (event) { self.pickAt(event.latlng.lat, event.latlng.lng); });
      element.style.cursor = "crosshair";
    }
    element.districtMap = this;
    this.ready = this._load().then(function () {
      self.setMarkers(self.options.markers);
      if (self.options.values) self.setValues(self.options.values);
      return self;
    });
  }

  DistrictMap.prototype._url = function (level) {
    var url = this.options.geojsonUrl + "?level=" + encodeURIComponent(level);
    if (this.options.parent) url += "&parent=" + encodeURIComponent(this.options.parent);
    return url;
  };

  DistrictMap.prototype._load = function () {
    var self = this;
    var levels = this.options.layers;
    var requests = levels.map(function (level) {
      return fetch(self._url(level), { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
        .then(function (response) {
          if (!response.ok) throw new Error("geojson " + level + ": HTTP " + response.status);
          return response.json();
        });
    });
    return Promise.all(requests).then(function (collections) {
      var bounds = null;
      collections.forEach(function (collection, i) {
        var level = levels[i];
        collection.features.forEach(function (f) { self.names[f.properties.code] = f.properties.name; });
        self.collections[level] = collection;
        var layer = self._layer(level, collection);
        layer.addTo(self.leaflet);
        self.layers[level] = layer;
        if (collection.features.length) {
          var b = layer.getBounds();
          bounds = bounds ? bounds.extend(b) : b;
        }
      });
      if (self.options.fit && bounds && bounds.isValid()) self.leaflet.fitBounds(bounds, { padding: [8, 8] });
      if (self.layers.district) self.layers.district.bringToBack();
    }).catch(function (error) {
      self.element.setAttribute("data-map-error", String(error));
      if (window.console) window.console.error(error);
    });
  };

  DistrictMap.prototype._interactive = function (level) {
    if (this.options.pick) return false; // clicks must reach the map to pick a point
    return Boolean(this.options.onFeatureClick) || (this.options.values && level === this.options.valueLevel);
  };

  DistrictMap.prototype._layer = function (level, collection) {
    var self = this;
    var interactive = this._interactive(level);
    return window.L.geoJSON(collection, {
      interactive: interactive,
      style: function () { return Object.assign({ interactive: interactive }, STYLES[level] || STYLES.grid); },
      onEachFeature: function (feature, layer) {
        var props = feature.properties || {};
        if (self.options.labels && level === "community") {
          layer.bindTooltip(escapeText(props.name), { permanent: true, direction: "center", className: "map-label" });
        } else if (interactive) {
          layer.bindTooltip(escapeText(props.name));
        }
        if (interactive && self.options.onFeatureClick) {
          layer.on("click", function () { self.options.onFeatureClick(props, level); });
        }
      },
    });
  };

  DistrictMap.prototype.setValues = function (values, settings) {
    var self = this;
    settings = settings || {};
    ["valueLevel", "valueLabel", "breaks", "colors"].forEach(function (key) {
      if (settings[key] !== undefined) self.options[key] = settings[key];
    });
    this.options.values = values || {};
    var level = this.options.valueLevel;
    var layer = this.layers[level];
    if (!layer) return;
    if (!layer.options.interactive && this._interactive(level)) {
      // Built before there were values: rebuild it with hover tooltips (and clicks).
      this.leaflet.removeLayer(layer);
      layer = this.layers[level] = this._layer(level, this.collections[level]).addTo(this.leaflet);
    }
    var colors = this.options.colors;
    var numbers = Object.keys(this.options.values).map(function (k) { return self.options.values[k]; });
    var breaks = this.options.breaks || quantileBreaks(numbers, colors.length);
    layer.eachLayer(function (shape) {
      var props = shape.feature.properties;
      var value = self.options.values[props.code];
      var has = typeof value === "number" && isFinite(value);
      shape.setStyle({
        fill: true,
        fillColor: has ? colors[classOf(value, breaks)] : "#ffffff",
        fillOpacity: has ? 0.85 : 0,
      });
      if (shape.getTooltip()) {
        shape.setTooltipContent(escapeText(props.name) + (has ? "：" + escapeText(value) : ""));
      }
    });
    this._legend(breaks, colors, numbers);
    // Boundaries stay readable above the coloured fills.
    ["street", "community"].forEach(function (name) {
      if (name !== level && self.layers[name]) self.layers[name].bringToFront();
    });
  };

  DistrictMap.prototype._legend = function (breaks, colors, numbers) {
    var self = this;
    if (this.legend) this.leaflet.removeControl(this.legend);
    if (!numbers.length) return;
    this.legend = window.L.control({ position: "bottomright" });
    this.legend.onAdd = function () {
      var div = window.L.DomUtil.create("div", "map-legend");
      // Built from DOM nodes, not HTML strings: the Content-Security-Policy forbids inline style attributes.
      if (self.options.valueLabel) {
        var title = document.createElement("strong");
        title.textContent = self.options.valueLabel;
        div.appendChild(title);
        div.appendChild(document.createElement("br"));
      }
      var low = Math.min.apply(null, numbers);
      colors.forEach(function (color, i) {
        if (i > breaks.length) return;
        var from = i === 0 ? low : breaks[i - 1];
        var to = i < breaks.length ? breaks[i] : Math.max.apply(null, numbers);
        var swatch = document.createElement("i");
        swatch.style.background = color;
        div.appendChild(swatch);
        div.appendChild(document.createTextNode(from + " – " + to));
        div.appendChild(document.createElement("br"));
      });
      return div;
    };
    this.legend.addTo(this.leaflet);
  };

  DistrictMap.prototype.setMarkers = function (markers) {
    var self = this;
    this.markerLayer.clearLayers();
    (markers || []).forEach(function (m) {
      if (typeof m.lat !== "number" || typeof m.lng !== "number") return;
      var marker = window.L.circleMarker([m.lat, m.lng], {
        radius: 7, color: "#ffffff", weight: 2, fillColor: m.color || "#b3261e", fillOpacity: 1, pane: MARKER_PANE,
      });
      if (m.label) marker.bindTooltip(escapeText(m.label));
      if (m.href) marker.on("click", function () { window.location.href = m.href; });
      marker.addTo(self.markerLayer);
    });
  };

  DistrictMap.prototype._pickInputs = function () {
    var pick = this.options.pick || {};
    return { lat: $(pick.lat), lng: $(pick.lng) };
  };

  DistrictMap.prototype.pickAt = function (lat, lng) {
    var self = this;
    var point = { lat: Math.round(lat * 1e6) / 1e6, lng: Math.round(lng * 1e6) / 1e6 };
    if (this.pickMarker) this.pickMarker.setLatLng([point.lat, point.lng]);
    else {
      this.pickMarker = window.L.circleMarker([point.lat, point.lng], {
        radius: 9, color: "#ffffff", weight: 3, fillColor: "#b3261e", fillOpacity: 1, interactive: false,
        pane: MARKER_PANE,
      }).addTo(this.leaflet);
    }
    var url = this.options.locateUrl + "?lat=" + point.lat + "&lng=" + point.lng;
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .catch(function () { return null; })
      .then(function (hit) {
        var place = hit && hit.grid ? {
          grid: hit.grid, community: hit.community, street: hit.street, district: hit.district,
          gridName: self.names[hit.grid] || hit.grid,
          communityName: self.names[hit.community] || hit.community,
          streetName: hit.street ? self.names[hit.street] || hit.street : "",
        } : null;
        var inputs = self._pickInputs();
        if (place) {
          if (inputs.lat) inputs.lat.value = point.lat.toFixed(6);
          if (inputs.lng) inputs.lng.value = point.lng.toFixed(6);
        } else {
          self.clearPick();
        }
        [inputs.lat, inputs.lng].forEach(function (input) {
          if (input) input.dispatchEvent(new Event("change", { bubbles: true }));
        });
        if (self.options.pick && typeof self.options.pick.onPick === "function") self.options.pick.onPick(point, place);
        self.element.dispatchEvent(new CustomEvent("districtmap-pick", { bubbles: true, detail: { point: point, place: place } }));
        return place;
      });
  };

  DistrictMap.prototype.clearPick = function () {
    if (this.pickMarker) {
      this.leaflet.removeLayer(this.pickMarker);
      this.pickMarker = null;
    }
    var inputs = this._pickInputs();
    if (inputs.lat) inputs.lat.value = "";
    if (inputs.lng) inputs.lng.value = "";
  };

  DistrictMap.prototype.fitTo = function (code) {
    var self = this;
    Object.keys(this.layers).forEach(function (level) {
      self.layers[level].eachLayer(function (shape) {
        if (shape.feature && shape.feature.properties.code === code) self.leaflet.fitBounds(shape.getBounds());
      });
    });
  };

  function json(value, fallback) {
    if (!value) return fallback;
    try { return JSON.parse(value); } catch (e) { return fallback; }
  }

  function fromData(element) {
    var d = element.dataset;
    var options = {};
    if (d.layers) options.layers = d.layers.split(",").map(function (s) { return s.trim(); }).filter(Boolean);
    if (d.parent) options.parent = d.parent;
    if (d.labels !== undefined) options.labels = true;
    if (d.geojsonUrl) options.geojsonUrl = d.geojsonUrl;
    if (d.locateUrl) options.locateUrl = d.locateUrl;
    if (d.pickLat && d.pickLng) options.pick = { lat: d.pickLat, lng: d.pickLng };
    options.markers = json(d.markers, []);
    var values = json(d.values, null);
    if (values) options.values = values;
    if (d.valueLevel) options.valueLevel = d.valueLevel;
    if (d.valueLabel) options.valueLabel = d.valueLabel;
    return options;
  }

  window.DistrictMap = {
    create: function (element, options) { return new DistrictMap($(element), options); },
    autoStart: function (root) {
      var scope = root || document;
      var found = Array.prototype.slice.call(scope.querySelectorAll("[data-district-map]"));
      if (scope.matches && scope.matches("[data-district-map]")) found.push(scope);
      found.forEach(function (element) {
        if (!element.districtMap) new DistrictMap(element, fromData(element));
      });
    },
  };

  // Content swapped in by htmx may bring maps of its own.
  document.addEventListener("htmx:load", function (event) { window.DistrictMap.autoStart(event.target); });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { window.DistrictMap.autoStart(); });
  } else {
    window.DistrictMap.autoStart();
  }
})(window, document);
