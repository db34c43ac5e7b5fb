// Bar chart of hot spots: item counts per cluster (data from the page's json_script).
document.addEventListener("DOMContentLoaded", function () {
  var data = document.getElementById("hotspot-data");
  var box = document.getElementById("hotspot-chart");
  if (!data || !box || typeof echarts === "undefined") return;
  var chart = JSON.parse(data.textContent);
  var plot = echarts.init(box);
  plot.setOption({
    grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
    tooltip: { trigger: "axis" },
    xAxis: { type: "value", minInterval: 1 },
    yAxis: { type: "category", inverse: true, data: chart.labels, axisLabel: { width: 140, overflow: "truncate" } },
    series: [{ type: "bar", data: chart.counts, itemStyle: { color: "#1f5fa8" }, label: { show: true, position: "right" } }]
  });
  window.addEventListener("resize", function () { plot.resize(); });
});
