// Draws every chart of a dashboard: each <div data-chart="ID"> takes the ECharts option that the
// server wrote into <script type="application/json" id="ID">. No data is computed here.
(function () {
  function draw() {
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var source = document.getElementById(el.dataset.chart);
      if (!source || !window.echarts) return;
      var chart = window.echarts.init(el, null, { renderer: "svg" });
      chart.setOption(JSON.parse(source.textContent));
      window.addEventListener("resize", function () { chart.resize(); });
      el.dataset.drawn = "1";
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
