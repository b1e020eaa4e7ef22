// Draws each dashboard chart with the vendored Apache ECharts, from the JSON the page carries
// (a <script type="application/json"> per chart, so no inline code is needed under the CSP).
(function () {
  "use strict";
  function draw(el) {
    var source = document.getElementById(el.dataset.chart);
    if (!source || !window.echarts) { return; }
    var d = JSON.parse(source.textContent);
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    var option = { tooltip: { trigger: "axis" }, grid: { left: 60, right: 20, top: 40, bottom: 60 },
                   legend: { type: "scroll", top: 0 }, yAxis: { type: "value" } };
    if (d.kind === "stack") {
      option.xAxis = { type: "category", data: d.periods };
      option.series = d.categories.map(function (name, i) {
        return { name: name, type: "bar", stack: "all", data: d.values[i] };
      });
    } else if (d.kind === "line") {
      option.xAxis = { type: "category", data: d.periods };
      option.series = d.categories.map(function (name, i) {
        return { name: name, type: "line", showSymbol: d.periods.length < 24, data: d.values[i] };
      });
    } else if (d.kind === "flow") {
      // A Sankey diagram from "A → B" categories; receiving regions are their own nodes (a flow
      // may run both ways, and a Sankey must not loop).
      var nodes = {}, links = [];
      d.categories.slice(0, 40).forEach(function (name, i) {  // the largest flows: categories come largest first
        var ends = name.split(name.indexOf(" → ") >= 0 ? " → " : ">"), target = ends[1] + "\u00a0";
        nodes[ends[0]] = true; nodes[target] = true;
        links.push({ source: ends[0], target: target, value: d.values[i][0] || 0 });
      });
      option = { tooltip: { trigger: "item" },
                 series: [{ type: "sankey", data: Object.keys(nodes).map(function (n) { return { name: n }; }),
                            links: links, emphasis: { focus: "adjacency" } }] };
    } else if (d.kind === "pair") {
      // Demand and supply are counted in different units: compare each side's shares (per cent).
      option.xAxis = { type: "category", data: d.categories, axisLabel: { interval: 0, rotate: 30 } };
      option.yAxis = { type: "value", axisLabel: { formatter: "{value} %" } };
      option.series = d.periods.map(function (name, p) {
        var total = d.values.reduce(function (sum, v) { return sum + v[p]; }, 0) || 1;
        return { name: name, type: "bar",
                 data: d.values.map(function (v) { return Math.round(1000 * v[p] / total) / 10; }) };
      });
    } else {
      option.xAxis = { type: "category", data: d.categories, axisLabel: { interval: 0, rotate: 30 } };
      option.series = [{ name: d.title, type: "bar", data: d.values.map(function (v) { return v[0] || 0; }) }];
      option.legend = { show: false };
    }
    option.animation = false;  // drawn at once: what a screenshot or a printout shows is the whole chart
    chart.setOption(option);
    el.dataset.drawn = "true";
    window.addEventListener("resize", function () { chart.resize(); });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("div.chart[data-chart]").forEach(draw);
  });
})();
