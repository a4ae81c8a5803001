// The living-circle map (lifecircle map): one self-contained page over a run's results.
// Data: the JSON in #lc-data, written by lifecircle/webmap.py (its docstring lists the fields).
// Drawing: Leaflet on a canvas, no tiles. Tests drive it through window.lifecircleMap.
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("lc-data").textContent);
  var F = D.facilities, H = D.homes, NY = D.years.length, NS = D.slots.length, NC = D.categories.length;

  var TEXT = {
    zh: {
      title: "便民生活圈地图", district: "片区", category: "业态", all_districts: "全部片区", all_categories: "全部业态（基本保障类平均覆盖）",
      year: "年份（年末）", time: "时刻", all_day: "全天", layers: "图层", network: "步行网络", homes: "居民覆盖",
      facilities: "设施", closed: "已关闭设施", projects: "规划项目", sites: "推荐选址", shown: "显示设施",
      satisfaction: "满意度", chance: "达标概率", usage: "15分钟步行出行占比", in_programme: "已纳入试点", yes: "是", no: "否",
      slot_access: "分时段可达（圈内有营业设施的居民占比）", slot: "时段", share: "占比", open: "营业",
      fairness: "步行距离公平性", gini: "基尼系数", palma: "帕尔马比", mean: "平均距离",
      project_list: "项目清单（规划设施）", site_list: "推荐选址（一图一清单）", gain: "新增圈内居民",
      compare: "两方案对比（A 本方案，B 对比方案）", diff: "覆盖差异（A−B，百分点）", changes: "仅一方有的设施",
      only_a: "仅 A 有", only_b: "仅 B 有", delta: "A−B", isochrones: "步行时间范围（等时圈）", iso_age: "步速人群",
      ages: { child: "儿童", working: "劳动年龄", elderly: "老年人" }, minutes: "分钟",
      none: "无", data: "数据", no_data: "无数据（输入中无此业态的点，是否缺少未知）", known_none: "确认无此业态",
      legend: "图例", coverage: "圈内覆盖", residents: "居民", hours: "营业时间", origin: "来源",
      opened: "开业", closed_on: "关闭", still_open: "仍在营业", before_run: "模拟开始前",
      origins: { baseline: "现有", planned: "规划", market: "市场进入", mobile: "流动摊点" },
      synthetic: "合成城镇：按情景地图原点放置，位置并非真实地点。", lang: "English",
      slot_note: "设施按该时刻是否营业显示；居民覆盖与分时段可达按模型时段计算（营业时间与时段有重叠即计为营业）："
    },
    en: {
      title: "Living-circle map", district: "District", category: "Category", all_districts: "All districts",
      all_categories: "All categories (mean of the basic ones)", year: "Year (at its end)", time: "Time of day", all_day: "All day",
      layers: "Layers", network: "Walking network", homes: "Residents' coverage", facilities: "Facilities",
      closed: "Closed facilities", projects: "Planned projects", sites: "Recommended sites", shown: "Facilities shown",
      satisfaction: "Satisfaction", chance: "Chance of the target", usage: "Trips within a 15-minute walk", in_programme: "In the programme",
      yes: "yes", no: "no", slot_access: "Access by time slot (residents with an open facility in the ring)",
      slot: "Slot", share: "Share", open: "Open", fairness: "Fairness of walking distance", gini: "Gini",
      palma: "Palma", mean: "Mean distance", project_list: "Project list (planned facilities)",
      site_list: "Recommended sites (one map, one list)", gain: "residents newly inside", none: "none",
      compare: "Two runs compared (A this run, B the other)", diff: "Coverage difference (A − B, points)",
      changes: "Facilities in one run only", only_a: "only in A", only_b: "only in B", delta: "A − B",
      isochrones: "Walking-time areas (isochrones)", iso_age: "Walking speed of", minutes: "min",
      ages: { child: "children", working: "working age", elderly: "elderly" },
      data: "Data", no_data: "no data (the input holds no point of it: whether one is missing is not known)",
      known_none: "known to have none", legend: "Legend", coverage: "In the ring", residents: "residents", hours: "Hours", origin: "Origin",
      opened: "Opened", closed_on: "Closed", still_open: "still open", before_run: "before the run",
      origins: { baseline: "baseline", planned: "planned", market: "market entrant", mobile: "mobile vendor" },
      synthetic: "Synthetic town placed at the scenario's map origin: positions are not real places.", lang: "中文",
      slot_note: "Facilities are shown if open at this hour; coverage and access by slot use the model's time slots (a facility open for part of a slot counts as open in it): "
    }
  };
  var state = {
    lang: D.lang === "en" ? "en" : "zh", district: -1, category: -1, year: NY - 1, hour: null,
    show: { network: true, homes: true, facilities: true, closed: false, projects: true, sites: false }
  };
  var C = D.compare || null;  // a second run on the same map (lifecircle map --compare)
  if (C) { state.show.diff = false; state.show.changes = true; }
  var ISO = D.isochrones || null;  // walking-time areas (lifecircle.isochrones)
  if (ISO) {
    state.show.isochrones = true;
    state.isoAge = ISO.some(function (r) { return r.age === "working"; }) ? "working" : (ISO[0] || {}).age;
  }
  var isoDrawn = 0;
  function t(key) { return TEXT[state.lang][key]; }
  function catName(c) { return state.lang === "zh" ? D.categories[c].zh : D.categories[c].en; }
  function distName(d) { return state.lang === "zh" ? D.districts[d].zh : D.districts[d].pinyin; }
  function pct(x) { return x === null || x === undefined || x !== x ? "–" : (100 * x).toFixed(1) + "%"; }
  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (ch) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[ch];
    });
  }
  function decode(b64) {
    var s = atob(b64), out = new Uint8Array(s.length);
    for (var i = 0; i < s.length; ++i) out[i] = s.charCodeAt(i);
    return out;
  }
  var cover = decode(H.cover);  // percent in ring: [year][category + 1][slot + 1][home]
  function coverAt(y, c, s, h) { return cover[((y * (NC + 1) + (c + 1)) * (NS + 1) + (s + 1)) * H.node.length + h]; }
  var coverB = C ? decode(C.cover) : null;  // the other run's, over the same homes
  function coverBAt(y, c, s, h) { return coverB[((y * (NC + 1) + (c + 1)) * (NS + 1) + (s + 1)) * H.node.length + h]; }
  function slotOf(hour) {
    for (var s = 0; s < NS; ++s) if (hour >= D.slots[s].start && hour < D.slots[s].end) return s;
    return NS - 1;
  }
  function hourText(h) {
    var hh = Math.floor(h), mm = Math.round((h - hh) * 60);
    return (hh < 10 ? "0" : "") + hh + ":" + (mm < 10 ? "0" : "") + mm;
  }

  // ---- the map
  var map = L.map("map", { preferCanvas: true, zoomSnap: 0.25, attributionControl: true });
  map.attributionControl.setPrefix("Leaflet");
  map.attributionControl.addAttribution(esc(D.attribution));
  var renderer = L.canvas({ padding: 0.3 });
  var lat = D.nodes.lat, lon = D.nodes.lon;
  var segments = [];
  for (var e = 0; e < D.edges.length; e += 2) {
    var a = D.edges[e], b = D.edges[e + 1];
    segments.push([[lat[a], lon[a]], [lat[b], lon[b]]]);
  }
  var network = L.polyline(segments, { color: "#a7adb5", weight: 1, opacity: 0.9, interactive: false, renderer: renderer });
  var districtLayer = L.layerGroup(), homesLayer = L.layerGroup(), facLayer = L.layerGroup();
  var projectLayer = L.layerGroup(), siteLayer = L.layerGroup(), changeLayer = L.layerGroup();
  var diffDrawn = 0, changesDrawn = { a: 0, b: 0 };
  D.districts.forEach(function (d, i) {
    L.polygon(d.hull, { color: "#555", weight: 1, dashArray: "4 3", fill: false, interactive: false, renderer: renderer })
      .addTo(districtLayer);
  });
  districtLayer.addTo(map);
  var cityBounds = L.latLngBounds(D.bounds);
  map.fitBounds(cityBounds);

  function diverging(d) {  // A − B in points: blue (B better) through white to red (A better)
    var x = Math.max(-1, Math.min(1, d / 50)), w = 255 - Math.round(200 * Math.abs(x));
    return x >= 0 ? "rgb(255," + w + "," + w + ")" : "rgb(" + w + "," + w + ",255)";
  }
  function ramp(p) {  // red (0%) to green (100%)
    var stops = [[215, 48, 31], [253, 174, 97], [255, 255, 191], [166, 217, 106], [26, 150, 65]];
    var x = Math.max(0, Math.min(1, p / 100)) * (stops.length - 1), i = Math.min(stops.length - 2, Math.floor(x)), f = x - i;
    var c = stops[i].map(function (v, k) { return Math.round(v + f * (stops[i + 1][k] - v)); });
    return "rgb(" + c.join(",") + ")";
  }

  // ---- what is shown
  function existsAt(i, y) { return (F.years[i] >> y) & 1; }
  function serves(i, c) { return F.category[i] === c || F.extra[i].indexOf(c) >= 0; }
  function openAtHour(i, hour) {
    if (hour === null) return true;
    if (F.mobile[i]) return ((F.slots[i] >> slotOf(hour)) & 1) === 1;
    var o = F.open_hour[i], c = F.close_hour[i];
    return (o <= hour && hour < c) || (c > 24 && hour < c - 24);
  }
  function inFilters(i) {
    return (state.district < 0 || F.district[i] === state.district) && (state.category < 0 || serves(i, state.category));
  }
  function visible() {
    var out = [];
    for (var i = 0; i < F.category.length; ++i)
      if (existsAt(i, state.year) && inFilters(i) && openAtHour(i, state.hour)) out.push(i);
    return out;
  }
  function closedVisible() {  // existed before the year's end and closed by then
    var out = [];
    if (!state.show.closed) return out;
    var end = D.year_end_day[state.year];
    for (var i = 0; i < F.category.length; ++i)
      if (F.closed[i] >= 0 && F.closed[i] <= end && inFilters(i)) out.push(i);
    return out;
  }
  function dayText(d, none) {
    if (d <= 0) return none;
    var x = new Date(d * 86400000);
    return x.toISOString().slice(0, 10);
  }
  function popup(i) {
    var name = F.name && F.name[i] ? esc(F.name[i]) + "<br>" : "";
    var hours = F.mobile[i] ? D.slots.filter(function (s, k) { return (F.slots[i] >> k) & 1; })
      .map(function (s) { return hourText(s.start) + "–" + hourText(s.end); }).join(", ")
      : hourText(F.open_hour[i]) + "–" + hourText(F.close_hour[i] > 24 ? F.close_hour[i] - 24 : F.close_hour[i]);
    return "<b>" + esc(catName(F.category[i])) + "</b> #" + i + "<br>" + name +
      (F.district[i] >= 0 ? esc(distName(F.district[i])) + "<br>" : "") +
      t("hours") + ": " + hours + "<br>" + t("origin") + ": " + esc(t("origins")[D.origins[F.origin[i]]]) + "<br>" +
      t("opened") + ": " + dayText(F.opened[i], t("before_run")) + "<br>" +
      t("closed_on") + ": " + (F.closed[i] < 0 ? t("still_open") : dayText(F.closed[i], "")) +
      (F.osm_id[i] ? "<br>OSM " + (F.osm_id[i] > 0 ? "node " + F.osm_id[i] : "way " + (-F.osm_id[i])) : "");
  }

  var drawnIds = [];
  function draw() {
    [facLayer, homesLayer, projectLayer, siteLayer, changeLayer].forEach(function (l) { l.clearLayers(); });
    diffDrawn = 0;
    if (state.show.network) network.addTo(map); else network.remove();
    var slot = state.hour === null ? -1 : slotOf(state.hour);
    if (C && state.show.diff) {  // the coverage difference where either run has residents
      for (var h = 0; h < H.node.length; ++h) {
        if (state.district >= 0 && H.district[h] !== state.district) continue;
        var na = H.residents[state.year * H.node.length + h], nb = C.residents[state.year * H.node.length + h];
        if (!na && !nb) continue;
        var dd = coverAt(state.year, state.category, slot, h) - coverBAt(state.year, state.category, slot, h);
        diffDrawn += 1;
        L.circleMarker([lat[H.node[h]], lon[H.node[h]]], {
          radius: Math.max(2, Math.min(7, Math.sqrt(Math.max(na, nb)) / 4)), stroke: false, fillColor: diverging(dd),
          fillOpacity: 0.8, renderer: renderer
        }).bindTooltip(t("delta") + " " + (dd > 0 ? "+" : "") + dd + "%").addTo(homesLayer);
      }
    } else if (state.show.homes) {
      for (var h = 0; h < H.node.length; ++h) {
        if (state.district >= 0 && H.district[h] !== state.district) continue;
        var p = coverAt(state.year, state.category, slot, h), n = H.residents[state.year * H.node.length + h];
        if (!n) continue;
        L.circleMarker([lat[H.node[h]], lon[H.node[h]]], {
          radius: Math.max(2, Math.min(7, Math.sqrt(n) / 4)), stroke: false, fillColor: ramp(p), fillOpacity: 0.45,
          renderer: renderer
        }).bindTooltip(n + " " + t("residents") + ", " + t("coverage") + " " + p + "%").addTo(homesLayer);
      }
    }
    drawnIds = [];
    if (state.show.facilities) {
      visible().forEach(function (i) {
        drawnIds.push(i);
        var planned = state.show.projects && D.origins[F.origin[i]] === "planned";
        L.circleMarker([F.lat[i], F.lon[i]], {
          radius: planned ? 5.5 : 4, color: planned ? "#000" : "#fff", weight: planned ? 2 : 0.8,
          fillColor: D.categories[F.category[i]].color, fillOpacity: 0.95, renderer: renderer
        }).bindPopup(function () { return popup(i); }).addTo(facLayer);
      });
      closedVisible().forEach(function (i) {
        L.circleMarker([F.lat[i], F.lon[i]], {
          radius: 3, color: "#777", weight: 1, fill: false, dashArray: "2 2", renderer: renderer
        }).bindPopup(function () { return popup(i); }).addTo(facLayer);
      });
    }
    isoDrawn = 0;
    if (ISO && state.show.isochrones) {  // largest first, so that the shorter times lie on top
      var mins = ISO.map(function (r) { return r.minutes; }), top = Math.max.apply(null, mins);
      ISO.filter(function (r) { return r.age === state.isoAge; }).sort(function (p, q) { return q.minutes - p.minutes; })
        .forEach(function (r) {
          isoDrawn += 1;
          var shade = 0.12 + 0.25 * (1 - r.minutes / top);
          L.polygon(r.rings, { color: "#5e3c99", weight: 1, fillColor: "#5e3c99", fillOpacity: shade, renderer: renderer })
            .bindTooltip(r.source + " · " + r.minutes + " " + t("minutes")).addTo(changeLayer);
        });
    }
    changesDrawn = { a: 0, b: 0 };
    if (C && state.show.changes) {  // facilities open at the year's end in one run and not the other
      var ch = C.changes[state.year];
      ch.only_a.forEach(function (i) {
        if (!inFilters(i)) return;
        changesDrawn.a += 1;
        L.circleMarker([F.lat[i], F.lon[i]], { radius: 7, color: "#d62728", weight: 2, fill: false, renderer: renderer })
          .bindTooltip(catName(F.category[i]) + " · " + t("only_a")).addTo(changeLayer);
      });
      ch.only_b.category.forEach(function (c, k) {
        if (state.category >= 0 && c !== state.category) return;
        changesDrawn.b += 1;
        L.circleMarker([ch.only_b.lat[k], ch.only_b.lon[k]], {
          radius: 7, color: "#1f5fd6", weight: 2, dashArray: "3 2", fillColor: D.categories[c].color, fillOpacity: 0.5,
          renderer: renderer
        }).bindTooltip(catName(c) + " · " + t("only_b")).addTo(changeLayer);
      });
    }
    var sites = D.sites[state.year] || [];
    if (state.show.sites) {
      sites.forEach(function (s) {
        if ((state.district >= 0 && s.district !== state.district) || (state.category >= 0 && s.category !== state.category)) return;
        L.circleMarker([lat[s.node], lon[s.node]], {
          radius: 8, color: "#c2185b", weight: 2, dashArray: "3 2", fill: false, renderer: renderer
        }).bindTooltip(catName(s.category) + " · " + t("sites") + " #" + s.rank + ": +" + s.gain + " " + t("residents"))
          .addTo(siteLayer);
      });
    }
    [homesLayer, facLayer, siteLayer, changeLayer].forEach(function (l) { l.addTo(map); });
    panel(sites);
  }

  // ---- the side panel
  function statsRow(d) {
    var key = d < 0 ? "city" : String(d);
    return (D.stats[key] || [])[state.year] || {};
  }
  function panel(sites) {
    var el = document.getElementById("info");
    var s = statsRow(state.district), html = [];
    html.push("<div class='row'><span>" + t("shown") + "</span><b id='shown'>" + drawnIds.length + "</b></div>");
    if (C) {  // both runs' numbers side by side
      var key = state.district < 0 ? "city" : String(state.district), b = (C.stats[key] || [])[state.year] || {};
      var diff = function (x, y) {
        return x === null || y === null || x === undefined || y === undefined ? "–" : ((x - y) >= 0 ? "+" : "") + (100 * (x - y)).toFixed(1);
      };
      html.push("<table id='compare-table'><tr><th></th><th>A</th><th>B</th><th>" + t("delta") + "</th></tr>" +
        "<tr><td>" + t("satisfaction") + "</td><td id='cmp-sat-a'>" + pct(s.satisfaction) + "</td><td id='cmp-sat-b'>" + pct(b.satisfaction) +
        "</td><td>" + diff(s.satisfaction, b.satisfaction) + "</td></tr>" +
        "<tr><td>" + t("usage") + "</td><td id='cmp-use-a'>" + pct(s.usage15) + "</td><td id='cmp-use-b'>" + pct(b.usage15) +
        "</td><td>" + diff(s.usage15, b.usage15) + "</td></tr></table>");
    } else {
      html.push("<div class='row'><span>" + t("satisfaction") + "</span><b>" + pct(s.satisfaction) + "</b></div>");
      if (s.chance !== undefined && s.chance !== null)  // over the prior's draws of the threshold
        html.push("<div class='row'><span>" + t("chance") + "</span><b id='chance'>" + pct(s.chance) + "</b></div>");
      html.push("<div class='row'><span>" + t("usage") + "</span><b>" + pct(s.usage15) + "</b></div>");
    }
    if (state.district >= 0)
      html.push("<div class='row'><span>" + t("in_programme") + "</span><b>" + (s.in_programme ? t("yes") : t("no")) + "</b></div>");
    if (state.category >= 0) {  // no data is not no facility (lifecircle.gaps.data_status)
      var ds = [];
      D.districts.forEach(function (dd, d) {
        var st = (D.data_status || {})[d + "/" + state.category];
        if (st && (state.district < 0 || state.district === d)) ds.push((state.district < 0 ? distName(d) + ": " : "") + t(st === "none" ? "known_none" : "no_data"));
      });
      if (ds.length) html.push("<div class='row nodata'><span>" + t("data") + "</span><b id='data-status'>" + esc(ds.join("; ")) + "</b></div>");
    }
    var key = (state.district < 0 ? "city" : String(state.district)) + "/" + (state.category < 0 ? "basic" : state.category);
    var acc = (D.access[key] || [])[state.year];
    if (acc) {
      var slot = state.hour === null ? -1 : slotOf(state.hour);
      html.push("<h2>" + t("slot_access") + (state.category < 0 ? " · " + t("all_categories") : " · " + esc(catName(state.category))) + "</h2>");
      html.push("<table><tr><th>" + t("slot") + "</th><th>" + t("share") + "</th><th></th></tr>");
      html.push("<tr" + (slot < 0 ? " class='now'" : "") + "><td>" + t("all_day") + "</td><td>" + pct(acc[0]) +
        "</td><td><span class='bar' style='width:" + Math.round(80 * acc[0]) + "px'></span></td></tr>");
      D.slots.forEach(function (sl, k) {
        html.push("<tr" + (k === slot ? " class='now'" : "") + "><td>" + hourText(sl.start) + "–" + hourText(sl.end) + "</td><td>" +
          pct(acc[k + 1]) + "</td><td><span class='bar' style='width:" + Math.round(80 * acc[k + 1]) + "px'></span></td></tr>");
      });
      html.push("</table>");
    }
    var fair = (D.fairness[key] || [])[state.year];
    if (fair) {
      html.push("<h2>" + t("fairness") + "</h2><table><tr><th>" + t("gini") + "</th><th>" + t("palma") + "</th><th>" + t("mean") +
        "</th></tr><tr><td>" + fair[0].toFixed(3) + "</td><td>" + fair[1].toFixed(2) + "</td><td>" + Math.round(fair[2]) + " m</td></tr></table>");
    }
    var end = D.year_end_day[state.year], projects = [];
    for (var i = 0; i < F.category.length; ++i)
      if (D.origins[F.origin[i]] === "planned" && F.opened[i] <= end && inFilters(i)) projects.push(i);
    html.push("<h2>" + t("project_list") + " (" + projects.length + ")</h2>");
    html.push(projects.length ? "<ul>" + projects.map(function (i) {
      return "<li>" + esc(catName(F.category[i])) + (state.district < 0 && F.district[i] >= 0 ? " · " + esc(distName(F.district[i])) : "") +
        " · " + dayText(F.opened[i], t("before_run")) + (F.closed[i] >= 0 && F.closed[i] <= end ? " (" + t("closed_on") + " " + dayText(F.closed[i], "") + ")" : "") + "</li>";
    }).join("") + "</ul>" : "<p class='muted'>" + t("none") + "</p>");
    var mine = sites.filter(function (s) {
      return (state.district < 0 || s.district === state.district) && (state.category < 0 || s.category === state.category);
    });
    html.push("<h2>" + t("site_list") + " (" + mine.length + ")</h2>");
    html.push(mine.length ? "<ul>" + mine.map(function (s) {
      return "<li>" + esc(distName(s.district)) + " · " + esc(catName(s.category)) + " #" + s.rank + ": +" + s.gain + " " + t("gain") + "</li>";
    }).join("") + "</ul>" : "<p class='muted'>" + t("none") + "</p>");
    el.innerHTML = html.join("");
  }

  // ---- controls
  function labels() {
    document.documentElement.lang = state.lang === "zh" ? "zh-CN" : "en";
    document.querySelectorAll("[data-t]").forEach(function (el) { el.textContent = t(el.getAttribute("data-t")); });
    var ds = document.getElementById("district"), cs = document.getElementById("category");
    ds.innerHTML = "<option value='-1'>" + esc(t("all_districts")) + "</option>" + D.districts.map(function (d, i) {
      return "<option value='" + i + "'>" + esc(distName(i)) + "</option>";
    }).join("");
    ds.value = String(state.district);
    cs.innerHTML = "<option value='-1'>" + esc(t("all_categories")) + "</option>" + D.categories.map(function (c, i) {
      return "<option value='" + i + "'>" + esc(catName(i)) + "</option>";
    }).join("");
    cs.value = String(state.category);
    document.getElementById("legend").innerHTML = D.categories.map(function (c, i) {
      return "<span style='white-space:nowrap'><i style='background:" + c.color + "'></i>" + esc(catName(i)) + "</span>";
    }).join(" ") + "<br><span class='ramp'></span> 0–100% " + esc(t("coverage")) +
      "<br><i style='background:#fff;border:2px solid #000;box-sizing:border-box'></i>" + esc(t("projects")) +
      " &nbsp; <i style='background:#fff;border:2px dashed #c2185b;box-sizing:border-box'></i>" + esc(t("sites"));
    var ia = document.getElementById("iso-age");
    if (ia && ISO) {
      var ages = ISO.map(function (r) { return r.age; }).filter(function (a, i, all) { return all.indexOf(a) === i; });
      ia.innerHTML = ages.map(function (a) {
        return "<option value='" + esc(a) + "'>" + esc((TEXT[state.lang].ages || {})[a] || a) + "</option>";
      }).join("");
      ia.value = state.isoAge;
    }
    document.getElementById("note").style.display = D.synthetic ? "block" : "none";
    document.getElementById("note").textContent = t("synthetic");
    document.getElementById("lang").textContent = t("lang");
    timeText();
  }
  function timeText() {
    document.getElementById("time-value").textContent = state.hour === null ? t("all_day") : hourText(state.hour);
    var note = document.getElementById("slot-note");
    if (state.hour === null) { note.textContent = ""; } else {
      var sl = D.slots[slotOf(state.hour)];
      note.textContent = t("slot_note") + hourText(sl.start) + "–" + hourText(sl.end);
    }
    document.getElementById("year-value").textContent = D.years[state.year];
  }
  document.getElementById("district").addEventListener("change", function (ev) {
    state.district = parseInt(ev.target.value, 10);
    map.fitBounds(state.district < 0 ? cityBounds : L.latLngBounds(D.districts[state.district].bounds));
    draw();
  });
  document.getElementById("category").addEventListener("change", function (ev) { state.category = parseInt(ev.target.value, 10); draw(); });
  if (document.getElementById("iso-age"))
    document.getElementById("iso-age").addEventListener("change", function (ev) { state.isoAge = ev.target.value; draw(); });
  var yearInput = document.getElementById("year");
  yearInput.max = String(NY - 1);
  yearInput.value = String(state.year);
  yearInput.addEventListener("input", function () { state.year = parseInt(yearInput.value, 10); timeText(); draw(); });
  var timeInput = document.getElementById("time"), allDay = document.getElementById("all-day");
  timeInput.addEventListener("input", function () {
    allDay.checked = false;
    state.hour = parseFloat(timeInput.value);
    timeText(); draw();
  });
  allDay.addEventListener("change", function () {
    state.hour = allDay.checked ? null : parseFloat(timeInput.value);
    timeText(); draw();
  });
  Object.keys(state.show).forEach(function (k) {
    var box = document.getElementById("show-" + k);
    box.checked = state.show[k];
    box.addEventListener("change", function () { state.show[k] = box.checked; draw(); });
  });
  document.getElementById("lang").addEventListener("click", function () {
    state.lang = state.lang === "zh" ? "en" : "zh"; labels(); draw();
  });
  labels();
  draw();

  // for tests and scripts: what is drawn, and the state
  window.lifecircleMap = {
    drawn: function () { return drawnIds.slice(); },
    diffMarkers: function () { return diffDrawn; },
    isochrones: function () { return isoDrawn; },
    changeMarkers: function () { return { a: changesDrawn.a, b: changesDrawn.b }; },
    facilityMarkers: function () { return facLayer.getLayers().length; },
    state: function () { return JSON.parse(JSON.stringify(state)); },
    ready: true
  };
})();
