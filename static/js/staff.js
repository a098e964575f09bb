/*
 * staff.js — small enhancements of the staff workbenches. Every page works without it (plain forms,
 * full-page posts); this adds keyboard flow, one-click fills, live countdowns and device location.
 *
 *   form[data-enter-next]      Enter moves to the next field (textareas keep Enter); Ctrl+Enter submits
 *   [data-matter]              click fills #id_matter (routing suggestion) and shows its path
 *   [data-copy-answer=SEL]     click copies SEL's text into #id_answer (knowledge base) and sets kind=consult
 *   time[data-countdown]       keeps the following .countdown text ("剩余 …" / "已超时 …") current
 *   form[data-geolocate]       fills #id_lat/#id_lng from navigator.geolocation (button [data-locate]
 *                              asks again); shows the point on the district map when there is one
 *   [data-district-map][data-focus]   zooms the map to that grid cell once drawn
 */
(function () {
  "use strict";

  var FIELDS = "input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea:not([disabled])";

  function nextField(form, current) {
    var fields = Array.prototype.filter.call(form.querySelectorAll(FIELDS), function (el) {
      return el.offsetParent !== null && el.tabIndex >= 0;
    });
    var index = fields.indexOf(current);
    return index >= 0 ? fields[index + 1] || null : null;
  }

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    var form = target && target.form;
    if (!form || !form.hasAttribute("data-enter-next") || event.key !== "Enter") return;
    if (event.ctrlKey || event.metaKey) {
      event.preventDefault();
      if (form.requestSubmit) form.requestSubmit(); else form.submit();
      return;
    }
    if (target.tagName === "TEXTAREA" || target.tagName === "BUTTON" || target.type === "submit") return;
    if (target.list && target.value === "") return; // let a datalist pick first
    var next = nextField(form, target);
    if (next) {
      event.preventDefault();
      next.focus();
    }
  });

  document.addEventListener("click", function (event) {
    var matter = event.target.closest("[data-matter]");
    if (matter) {
      var input = document.getElementById("id_matter");
      if (input) {
        input.value = matter.getAttribute("data-matter");
        var chosen = document.getElementById("matter-chosen");
        if (chosen) chosen.textContent = "✓ " + matter.getAttribute("data-matter-label");
        var after = document.getElementById("id_address");
        (after || input).focus();
      }
      return;
    }
    var copy = event.target.closest("[data-copy-answer]");
    if (copy) {
      var source = document.querySelector(copy.getAttribute("data-copy-answer"));
      var answer = document.getElementById("id_answer");
      if (source && answer) {
        answer.value = source.textContent.trim();
        var kind = document.getElementById("id_kind");
        if (kind) kind.value = "consult";
        copy.textContent = copy.getAttribute("data-copied") || copy.textContent;
        answer.focus();
      }
    }
  });

  // --- countdowns --------------------------------------------------------------------------------
  function span(ms) {
    var minutes = Math.floor(Math.abs(ms) / 60000);
    var days = Math.floor(minutes / 1440);
    var hours = Math.floor((minutes % 1440) / 60);
    var mins = minutes % 60;
    var zh = (document.documentElement.lang || "").indexOf("zh") === 0;
    if (zh) return (days ? days + "天" : "") + (days || hours ? hours + "小时" : "") + mins + "分钟";
    return (days ? days + "d " : "") + (days || hours ? hours + "h " : "") + mins + "min";
  }

  function tick() {
    var now = Date.now();
    document.querySelectorAll("time[data-countdown]").forEach(function (time) {
      var out = time.nextElementSibling;
      if (!out || !out.classList.contains("countdown")) return;
      var left = Date.parse(time.getAttribute("datetime")) - now;
      if (isNaN(left)) return;
      out.textContent = (left < 0 ? time.getAttribute("data-over") : time.getAttribute("data-left")) + " " + span(left);
      out.classList.toggle("over", left < 0);
    });
  }

  // --- device location ------------------------------------------------------------------------------
  function mapOf(root) {
    var element = (root || document).querySelector("[data-district-map]") || document.querySelector("[data-district-map]");
    return element && element.districtMap ? element.districtMap : null;
  }

  function locate(form) {
    var status = form.querySelector(".geo-status");
    var say = function (key) { if (status) status.textContent = form.getAttribute(key) || ""; };
    if (!navigator.geolocation) { say("data-geo-fail"); return; }
    say("data-geo-wait");
    navigator.geolocation.getCurrentPosition(
      function (position) {
        var lat = position.coords.latitude.toFixed(6);
        var lng = position.coords.longitude.toFixed(6);
        var map = mapOf(form.parentNode);
        if (map && map.pickAt) {
          map.ready.then(function () { map.pickAt(Number(lat), Number(lng)); });
        }
        form.querySelector("#id_lat").value = lat;
        form.querySelector("#id_lng").value = lng;
        say("data-geo-ok");
      },
      function () { say("data-geo-fail"); },
      { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 }
    );
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-locate]");
    if (button && button.form) locate(button.form);
  });

  function start() {
    tick();
    window.setInterval(tick, 30000);
    document.querySelectorAll("form[data-geolocate]").forEach(locate);
    document.querySelectorAll("[data-district-map][data-focus]").forEach(function (element) {
      var map = element.districtMap;
      if (map && map.ready) {
        map.ready.then(function () { map.fitTo(element.getAttribute("data-focus")); });
      }
    });
  }

  // "load" comes after every deferred script (the map component creates its maps on DOMContentLoaded).
  if (document.readyState === "complete") start(); else window.addEventListener("load", start);
})();
