/*
 * portal.js — small enhancements of the citizen portal's server-rendered pages (everything also posts
 * without it; the server checks everything again). Texts come from the page (data-text-* attributes),
 * so they are translated with the templates.
 *
 * - character counters: <span class="counter" data-max> inside the <label for=...> of a textarea/input;
 * - category picker: buttons with data-matter-code / data-matter-path (search results and suggestions)
 *   fill the hidden #id_matter_value; [data-matter-clear] empties it;
 * - location: #submit-map becomes a DistrictMap in pick mode filling #id_lat / #id_lng, and
 *   #location-status names the community found there;
 * - photos: #id_photos keeps at most data-max-count images of the accepted types under data-max-bytes,
 *   says which were left out, and shows previews;
 * - copy: [data-copy] buttons copy their value (the tracking code).
 */
(function () {
  "use strict";

  function text(name, fallback) {
    var holder = document.querySelector("[data-portal-texts]");
    return (holder && holder.getAttribute("data-text-" + name)) || fallback;
  }

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, key) { return values[key] == null ? "" : values[key]; });
  }

  /* --- counters ------------------------------------------------------------------------------ */
  function setUpCounters() {
    document.querySelectorAll(".counter[data-max]").forEach(function (counter) {
      var label = counter.closest("label");
      var field = label && document.getElementById(label.htmlFor);
      if (!field) return;
      var max = parseInt(counter.getAttribute("data-max"), 10);
      var update = function () {
        var length = field.value.length;
        counter.textContent = length + " / " + max;
        counter.classList.toggle("over", length > max);
      };
      field.addEventListener("input", update);
      update();
    });
  }

  /* --- category picker ----------------------------------------------------------------------- */
  function chooseMatter(code, path) {
    var input = document.getElementById("id_matter_value");
    if (!input) return;
    input.value = code || "";
    var chosen = document.getElementById("matter-chosen");
    var chosenText = document.getElementById("matter-chosen-text");
    if (chosen && chosenText) {
      chosenText.textContent = path || "";
      chosen.hidden = !code;
    }
    var results = document.getElementById("matter-results");
    if (results) results.innerHTML = "";
    var search = document.getElementById("id_matter");
    if (search) {
      search.value = "";
      if (!code) search.focus();
    }
    input.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function setUpMatterPicker() {
    document.addEventListener("click", function (event) {
      var pick = event.target.closest("[data-matter-code]");
      if (pick) {
        event.preventDefault();
        chooseMatter(pick.getAttribute("data-matter-code"), pick.getAttribute("data-matter-path"));
        var chosen = document.querySelector("[data-matter-clear]");
        if (chosen) chosen.focus();
        return;
      }
      if (event.target.closest("[data-matter-clear]")) {
        event.preventDefault();
        chooseMatter("", "");
      }
    });
  }

  /* --- location on the map ------------------------------------------------------------------- */
  function setUpMap() {
    var element = document.getElementById("submit-map");
    if (!element || !window.DistrictMap) return;
    var status = document.getElementById("location-status");
    var clear = document.querySelector("[data-location-clear]");
    var lat = document.getElementById("id_lat");
    var lng = document.getElementById("id_lng");
    var map = window.DistrictMap.create(element, {
      layers: ["district", "street", "community", "grid"],
      pick: {
        lat: lat,
        lng: lng,
        onPick: function (point, place) {
          if (place) {
            status.textContent = format(text("picked", "已选择：{community}（{street}）{grid}"), {
              community: place.communityName, street: place.streetName, grid: place.gridName,
            });
            status.classList.remove("error");
          } else {
            status.textContent = text("outside", "该位置不在本区范围内，请在地图上的区域内选择。");
            status.classList.add("error");
          }
          if (clear) clear.hidden = !place;
        },
      },
    });
    if (lat.value && lng.value) {
      var start = { lat: parseFloat(lat.value), lng: parseFloat(lng.value) };
      map.ready.then(function () { if (isFinite(start.lat) && isFinite(start.lng)) map.pickAt(start.lat, start.lng); });
    }
    if (clear) {
      clear.addEventListener("click", function () {
        map.clearPick();
        status.textContent = text("none", "尚未在地图上选择位置");
        status.classList.remove("error");
        clear.hidden = true;
        lat.dispatchEvent(new Event("change", { bubbles: true }));
      });
    }
  }

  /* --- photos -------------------------------------------------------------------------------- */
  function setUpPhotos() {
    var input = document.getElementById("id_photos");
    if (!input) return;
    var previews = document.getElementById("photo-previews");
    var check = document.getElementById("photos-check");
    var maxCount = parseInt(input.getAttribute("data-max-count"), 10) || 5;
    var maxBytes = parseInt(input.getAttribute("data-max-bytes"), 10) || 10 * 1024 * 1024;
    var accepted = (input.getAttribute("accept") || "").split(",").map(function (s) { return s.trim(); });
    var urls = [];

    input.addEventListener("change", function () {
      var problems = [];
      var kept = [];
      Array.prototype.forEach.call(input.files, function (file) {
        if (accepted.indexOf(file.type) < 0) {
          problems.push(format(text("bad-type", "{name}：只接受 JPEG、PNG、WebP 图片"), { name: file.name }));
        } else if (file.size > maxBytes) {
          problems.push(format(text("too-big", "{name}：超过 {mb} MB"), { name: file.name, mb: Math.round(maxBytes / 1048576) }));
        } else if (kept.length >= maxCount) {
          problems.push(format(text("too-many", "最多 {n} 张，{name} 未选入"), { name: file.name, n: maxCount }));
        } else {
          kept.push(file);
        }
      });
      if (problems.length && window.DataTransfer) {
        var transfer = new DataTransfer();
        kept.forEach(function (file) { transfer.items.add(file); });
        input.files = transfer.files;
      } else if (problems.length) {
        input.value = "";
        kept = [];
      }
      check.textContent = problems.join("；");
      check.hidden = !problems.length;
      urls.forEach(function (url) { URL.revokeObjectURL(url); });
      urls = [];
      previews.innerHTML = "";
      kept.forEach(function (file) {
        var figure = document.createElement("figure");
        var img = document.createElement("img");
        var url = URL.createObjectURL(file);
        urls.push(url);
        img.src = url;
        img.alt = format(text("preview", "预览：{name}"), { name: file.name });
        var caption = document.createElement("figcaption");
        caption.textContent = file.name;
        figure.appendChild(img);
        figure.appendChild(caption);
        previews.appendChild(figure);
      });
    });
  }

  /* --- copy the tracking code ---------------------------------------------------------------- */
  function setUpCopy() {
    document.querySelectorAll("[data-copy]").forEach(function (button) {
      button.addEventListener("click", function () {
        var value = button.getAttribute("data-copy");
        var status = document.getElementById("copy-status");
        var done = function () {
          if (status) status.textContent = button.getAttribute("data-copied-text") || "OK";
        };
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(value).then(done, function () { fallbackCopy(value) && done(); });
        } else if (fallbackCopy(value)) {
          done();
        }
      });
    });
  }

  function fallbackCopy(value) {
    var area = document.createElement("textarea");
    area.value = value;
    area.setAttribute("readonly", "");
    area.className = "visually-hidden";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(area);
    return ok;
  }

  function start() {
    setUpCounters();
    setUpMatterPicker();
    setUpMap();
    setUpPhotos();
    setUpCopy();
    var summary = document.getElementById("error-summary");
    if (summary) summary.focus();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
