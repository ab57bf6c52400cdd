// Shows whether the API answers.  Text only: never innerHTML.
(function () {
  var el = document.getElementById('health');
  fetch('/api/health', { credentials: 'same-origin' })
    .then(function (r) { return r.json().then(function (b) { return [r.status, b]; }); })
    .then(function (x) {
      el.textContent = x[0] === 200 ? 'The service is up.' :
        'The service is unavailable: ' + (x[1].error ? x[1].error.message : x[0]);
    })
    .catch(function () { el.textContent = 'The service cannot be reached.'; });
})();
