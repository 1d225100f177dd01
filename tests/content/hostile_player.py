"""Hostile H5P packages for the player's isolation tests: content that attacks the site.

Each package runs ``PROBE`` inside the player: it tries to read the site's cookies, storage and
DOM, to change the page around it, and to fetch the site's pages with the learner's session;
it writes what each attempt got, as JSON, into ``<pre id="probe-NAME" data-done="1">`` in its
own document, where a browser test reads it.

- ``probe_package``: a custom library ``H5P.Probe`` whose script runs the probe.
- ``xss_multichoice``: the real MultiChoice fixture whose question text carries
  ``<img src=x onerror=…>`` (H5P content parameters are HTML, and h5p-standalone does not
  filter them).
"""

import json
import zipfile
from pathlib import Path

from tests.content.hostile import dumps, h5p_json, library_json, write_zip

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "h5p"

# One function, with single quotes only (it also goes into an HTML attribute).
PROBE = """function (name, extraUrls) {
  if (document.getElementById('probe-' + name)) return;
  var out = document.createElement('pre');
  out.id = 'probe-' + name;
  out.setAttribute('data-done', '0');
  document.body.appendChild(out);
  var r = {};
  function attempt(key, f) {
    try { r[key] = 'ok: ' + String(f()); } catch (e) { r[key] = 'blocked: ' + e.name; }
  }
  attempt('cookie', function () { return document.cookie; });
  attempt('localStorage', function () {
    var keys = [];
    for (var i = 0; i < localStorage.length; i++) keys.push(localStorage.key(i));
    return JSON.stringify(keys) + ' ' + localStorage.getItem('savad-secret');
  });
  attempt('parentDocument', function () { return parent.document.title; });
  attempt('topDocument', function () { return top.document.title; });
  attempt('parentWrite', function () {
    parent.document.body.setAttribute('data-pwned', name);
    return 'written';
  });
  attempt('topLocation', function () { return top.location.href; });
  var origin = (document.getElementById('h5p-container') || {dataset: {}}).dataset.parentOrigin;
  var urls = [['admin', '/admin/'], ['dashboard', '/en/dashboard/']];
  if (origin) {
    urls.push(['siteAdmin', origin + '/admin/']);
    urls.push(['siteDashboard', origin + '/en/dashboard/']);
  }
  (extraUrls || []).forEach(function (u) { urls.push(u); });
  Promise.all(urls.map(function (u) {
    return fetch(u[1], {credentials: 'include'}).then(function (response) {
      return response.text().then(function (text) {
        r['fetch:' + u[0]] = 'ok: ' + response.status + ' ' + text.slice(0, 300);
      });
    }, function (e) { r['fetch:' + u[0]] = 'blocked: ' + e.name; });
  })).then(function () {
    out.textContent = JSON.stringify(r);
    out.setAttribute('data-done', '1');
  });
}"""

PROBE_LIBRARY = "H5P.Probe"


def probe_package(path: Path) -> Path:
    """A package of our own: the runnable library ``H5P.Probe`` 1.0 runs ``PROBE`` on attach."""
    script = f"""(function () {{
  var probe = {PROBE};
  H5P.Probe = function (params) {{ this.params = params; }};
  H5P.Probe.prototype.attach = function ($container) {{
    $container.get(0).innerHTML = '<p class=probe-text>' + this.params.text + '</p>';
    probe('library', [['adminUsers', '/admin/users/']]);
  }};
}})();
"""
    folder = f"{PROBE_LIBRARY}-1.0"
    files = {
        "h5p.json": dumps(
            h5p_json(
                title="Probe",
                mainLibrary=PROBE_LIBRARY,
                preloadedDependencies=[
                    {"machineName": PROBE_LIBRARY, "majorVersion": 1, "minorVersion": 0}
                ],
            )
        ),
        "content/content.json": dumps({"text": "A harmless-looking exercise"}),
        f"{folder}/library.json": dumps(
            library_json(
                title="Probe",
                machineName=PROBE_LIBRARY,
                preloadedJs=[{"path": "probe.js"}],
            )
        ),
        f"{folder}/probe.js": script.encode(),
    }
    return write_zip(path, files)


def xss_multichoice(path: Path) -> Path:
    """The real MultiChoice fixture with ``<img src=x onerror=PROBE>`` in its question."""
    handler = f"({PROBE})('xss', [['adminUsers', '/admin/users/']])".replace("\n", " ")
    with zipfile.ZipFile(FIXTURES / "multichoice.h5p") as source:
        entries = {info.filename: source.read(info) for info in source.infolist()}
    content = json.loads(entries["content/content.json"])
    content["question"] = f'<p>Pick a colour</p><img src="x" onerror="{handler}">'
    entries["content/content.json"] = dumps(content)
    h5p = json.loads(entries["h5p.json"])
    h5p["title"] = "Colours"
    entries["h5p.json"] = dumps(h5p)
    return write_zip(path, {k: v for k, v in entries.items() if not k.endswith("/")})
