// The dashboard's charts (templates/workflows/figures.html), drawn by the Chart.js shipped in
// juece/vendor/chartjs from the numbers the page hands over in a JSON element (json_script):
// the Content-Security-Policy runs no inline script. A bar or slice leads where its number in
// the table beside it leads: the decisions behind it.
(function () {
  var COLOURS = ['#b71c1c', '#1565c0', '#2e7d32', '#f9a825', '#6a1b9a', '#00838f',
                 '#ef6c00', '#4e342e', '#546e7a', '#ad1457'];
  var ON_TIME = ['#2e7d32', '#c62828'];

  function draw() {
    var source = document.getElementById('juece-figures-data');
    if (!source || !window.Chart) { return; }
    var figures = JSON.parse(source.textContent);
    Chart.defaults.font.family = 'Roboto, "Noto Sans CJK SC", "Noto Sans SC", "Microsoft YaHei", sans-serif';
    Chart.defaults.animation = false;
    document.querySelectorAll('canvas[data-chart]').forEach(function (canvas) {
      var spec = figures[canvas.dataset.chart];
      if (!spec || Chart.getChart(canvas)) { return; }
      var doughnut = spec.type === 'doughnut';
      var datasets = spec.datasets.map(function (dataset, index) {
        var colour = spec.stacked ? ON_TIME[index % ON_TIME.length] : COLOURS[index % COLOURS.length];
        return {
          label: dataset.label,
          data: dataset.data,
          backgroundColor: doughnut ? COLOURS.slice(0, dataset.data.length) : colour,
          borderWidth: doughnut ? 1 : 0
        };
      });
      var scales = doughnut ? {} : {
        x: { stacked: !!spec.stacked, beginAtZero: true, ticks: { precision: 0, autoSkip: false } },
        y: { stacked: !!spec.stacked, beginAtZero: true, ticks: { precision: 0, autoSkip: false } }
      };
      new Chart(canvas, {
        type: spec.type,
        data: { labels: spec.labels, datasets: datasets },
        options: {
          indexAxis: spec.horizontal ? 'y' : 'x',
          responsive: true,
          maintainAspectRatio: false,
          scales: scales,
          plugins: { legend: { display: doughnut || !!spec.stacked, position: 'bottom' } },
          onClick: function (event, elements) {
            if (!elements.length) { return; }
            var element = elements[0];
            var links = spec.links[element.datasetIndex] || [];
            var link = links[element.index];
            if (link) { window.location.assign(link); }
          },
          onHover: function (event, elements) {
            event.native.target.style.cursor = elements.length ? 'pointer' : 'default';
          }
        }
      });
    });
  }

  draw();
  document.addEventListener('turbo:load', draw);
})();
