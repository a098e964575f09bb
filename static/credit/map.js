/* The credit map: fetch the grid cells with grade counts (GeoJSON) and draw them as SVG ourselves.
   No map library and no tiles: a plain equirectangular projection scaled by cos(latitude). */
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";
  var COLOURS = { A: "#1e7b34", B: "#8fb339", C: "#e0a100", D: "#c0392b", E: "#7b1010", "-": "#8a94a0" };
  var EMPTY = "#d9dee3";

  function worstGrade(counts, grades) {
    var worst = null;
    grades.forEach(function (g) { if (g !== "-" && counts[g] > 0) { worst = g; } });
    if (worst === null && counts["-"] > 0) { worst = "-"; }
    return worst;
  }

  function rings(geometry) {
    if (!geometry) { return []; }
    if (geometry.type === "Polygon") { return geometry.coordinates; }
    if (geometry.type === "MultiPolygon") { return [].concat.apply([], geometry.coordinates); }
    return [];
  }

  function draw(container, data) {
    var features = data.features || [];
    var minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    features.forEach(function (f) {
      rings(f.geometry).forEach(function (ring) {
        ring.forEach(function (p) {
          minX = Math.min(minX, p[0]); maxX = Math.max(maxX, p[0]);
          minY = Math.min(minY, p[1]); maxY = Math.max(maxY, p[1]);
        });
      });
    });
    if (!isFinite(minX)) { container.textContent = container.dataset.empty; return; }
    var kx = Math.cos(((minY + maxY) / 2) * Math.PI / 180);
    var width = 1000, scale = width / ((maxX - minX) * kx || 1), height = Math.ceil((maxY - minY) * scale) || 1;
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("viewBox", "0 0 " + width + " " + height);
    features.forEach(function (f) {
      var d = rings(f.geometry).map(function (ring) {
        return "M" + ring.map(function (p) {
          return ((p[0] - minX) * kx * scale).toFixed(1) + "," + ((maxY - p[1]) * scale).toFixed(1);
        }).join("L") + "Z";
      }).join("");
      var props = f.properties, worst = worstGrade(props.counts, data.grades);
      var path = document.createElementNS(SVG, "path");
      path.setAttribute("d", d);
      path.setAttribute("fill", worst ? COLOURS[worst] : EMPTY);
      path.setAttribute("fill-rule", "evenodd");
      path.dataset.grid = props.code;
      var title = document.createElementNS(SVG, "title");
      title.textContent = props.name + "（" + props.code + "）" + data.grades.map(function (g) {
        return " " + g + ":" + props.counts[g];
      }).join("");
      path.appendChild(title);
      svg.appendChild(path);
    });
    container.textContent = "";
    container.appendChild(svg);
  }

  function legend(list, grades) {
    grades.forEach(function (g) {
      var li = document.createElement("li"), swatch = document.createElement("span");
      swatch.style.background = COLOURS[g] || EMPTY;
      li.appendChild(swatch);
      li.appendChild(document.createTextNode(g === "-" ? "未评级" : g + " 级"));
      list.appendChild(li);
    });
  }

  function table(tbody, data) {
    data.features.filter(function (f) { return f.properties.total > 0; }).forEach(function (f) {
      var tr = document.createElement("tr"), p = f.properties;
      [p.name + "（" + p.code + "）", data.grades.map(function (g) { return g + ":" + p.counts[g]; }).join(" "),
       String(p.total)].forEach(function (text) {
        var td = document.createElement("td");
        td.textContent = text;
        tr.appendChild(td);
      });
      tbody.appendChild(tr);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var container = document.getElementById("credit-map");
    if (!container) { return; }
    fetch(container.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.json();
      })
      .then(function (data) {
        draw(container, data);
        legend(document.getElementById("credit-map-legend"), data.grades);
        table(document.querySelector("#credit-map-table tbody"), data);
      })
      .catch(function () { container.textContent = "载入失败"; });
  });
})();
