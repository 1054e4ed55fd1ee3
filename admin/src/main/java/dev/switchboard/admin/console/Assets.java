package dev.switchboard.admin.console;

/**
 * The console's style sheet and its one script, inlined in every page under the response's
 * CSP nonce. The script polls the page's JSON endpoint ({@code data-poll}) every
 * {@code data-interval} ms and writes the new values with {@code textContent} only (never
 * markup); when the set of rows or the actions a row offers change, it reloads the page, which
 * the server renders (and escapes) again.
 */
final class Assets {
  private Assets() {}

  static final String CSS = """
      :root{--ink:#1d2330;--muted:#667085;--line:#e4e7ec;--bg:#f6f7f9;--card:#fff;
        --accent:#2f5bea;--ok:#12805c;--okbg:#e3f6ee;--warn:#a15c00;--warnbg:#fff1d6;
        --bad:#b42318;--badbg:#fde8e6}
      *{box-sizing:border-box}
      body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;
        color:var(--ink);background:var(--bg)}
      header.top{display:flex;align-items:center;gap:18px;padding:10px 24px;background:#151a26;color:#e9ecf2}
      header.top a{color:#e9ecf2;text-decoration:none}
      .brand{font-weight:700;font-size:16px;letter-spacing:.2px}
      nav a{margin-right:14px;opacity:.85}nav a:hover{opacity:1;text-decoration:underline}
      .reg{margin-left:auto;font:12px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;opacity:.8}
      .live{font-size:12px;padding:2px 8px;border-radius:10px;background:#24304a}
      .live.offline{background:#7a271a}
      .mode{padding:8px 24px;font-size:13px;border-bottom:1px solid var(--line);background:#eef2ff;color:#2b3a67}
      .mode.ro{background:#fff7e6;color:#7a4b00}
      main{padding:18px 24px 40px;max-width:1400px}
      h1{font-size:22px;margin:6px 0 2px}h2{font-size:16px;margin:26px 0 8px}
      .sub,.muted{color:var(--muted)}.sub{margin:0 0 14px}
      .crumbs{margin:0;color:var(--muted);font-size:13px}.crumbs a{color:var(--accent);text-decoration:none}
      table{border-collapse:collapse;background:var(--card);border:1px solid var(--line);border-radius:6px}
      table.grid{width:100%}
      th,td{padding:7px 10px;text-align:left;border-bottom:1px solid var(--line);vertical-align:top;white-space:nowrap}
      th{font-size:12px;text-transform:uppercase;letter-spacing:.4px;color:var(--muted);background:#fafbfc}
      tr:last-child td{border-bottom:0}
      td.num{text-align:right;font-variant-numeric:tabular-nums}
      .mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
      td.mono,span.mono{font-size:12.5px}td.mono,td.actions,td.num{white-space:nowrap}
      h1.mono{font-size:21px}
      progress{width:160px;height:10px;vertical-align:middle;accent-color:var(--accent)}
      a{color:var(--accent)}
      td.state,td.health{font-weight:600}
      tr[data-state=SERVING] td.state,tr[data-state=healthy] td.health{color:var(--ok)}
      tr[data-state=DRAINING] td.state,tr[data-state=degraded] td.health{color:var(--warn)}
      tr[data-state=INVALID] td.state,tr[data-state=down] td.health{color:var(--bad)}
      tr[data-state=DRAINING]{background:#fffaf0}tr[data-state=INVALID]{background:#fff6f5}
      .pill{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;background:#eef0f4}
      .meta{font-size:12px;color:var(--muted);word-break:break-all}
      td.meta{white-space:normal;min-width:140px;max-width:300px}
      table.kv td,.flash,.note,li{white-space:normal}
      .btn{display:inline-block;padding:4px 10px;border:1px solid #c5cbd6;border-radius:5px;background:#fff;
        color:var(--ink);text-decoration:none;font-size:13px;cursor:pointer}
      .btn:hover{border-color:var(--accent)}
      .btn.danger{background:var(--bad);border-color:var(--bad);color:#fff}
      .btn.primary{background:var(--accent);border-color:var(--accent);color:#fff}
      .btn.ghost{border-color:transparent}
      form.inline{display:inline-flex;gap:4px;margin:0 0 0 6px}
      form.inline input{width:74px;padding:3px 5px;border:1px solid #c5cbd6;border-radius:5px}
      form.confirm{margin-top:18px;padding:14px;background:var(--card);border:1px solid var(--line);border-radius:6px;max-width:640px}
      form.confirm label{display:block;margin-bottom:10px}
      form.confirm input[type=password]{display:block;margin-top:4px;width:100%;padding:6px 8px;border:1px solid #c5cbd6;border-radius:5px}
      .flash{padding:9px 12px;border-radius:6px;margin:10px 0;max-width:900px}
      .flash.ok{background:var(--okbg);color:#0b5a41}.flash.bad{background:var(--badbg);color:#7a1a12}
      table.kv th{text-transform:none;font-size:13px;letter-spacing:0;width:190px}
      .bar{display:inline-block;height:8px;background:var(--accent);border-radius:4px;vertical-align:middle;margin-right:6px}
      .note{font-size:13px;color:var(--muted);max-width:900px}
      footer{padding:0 24px 24px;color:var(--muted);font-size:12px}
      """;

  static final String SCRIPT = """
      (function () {
        'use strict';
        var body = document.body;
        var url = body.getAttribute('data-poll');
        var interval = parseInt(body.getAttribute('data-interval') || '2000', 10);
        var live = document.getElementById('live');
        if (!url) { if (live) { live.textContent = 'static'; } return; }
        function fill(scope, cells, attribute) {
          scope.querySelectorAll('[' + attribute + ']').forEach(function (el) {
            var field = el.getAttribute(attribute);
            if (Object.prototype.hasOwnProperty.call(cells, field)) {
              var value = String(cells[field]);
              if (el.textContent !== value) { el.textContent = value; }
            }
          });
        }
        function values(scope, cells) {
          scope.querySelectorAll('[data-value-field]').forEach(function (el) {
            var field = el.getAttribute('data-value-field');
            if (Object.prototype.hasOwnProperty.call(cells, field)) { el.value = Number(cells[field]); }
          });
        }
        function sync(group, rows) {
          var current = new Map();
          document.querySelectorAll('tr[data-group]').forEach(function (tr) {
            if (tr.getAttribute('data-group') === group) { current.set(tr.getAttribute('data-key'), tr); }
          });
          if (current.size !== rows.length) { return false; }
          for (var i = 0; i < rows.length; i++) {
            var row = rows[i], tr = current.get(row.key);
            if (!tr || (row.action !== undefined && tr.getAttribute('data-action') !== row.action)) { return false; }
            fill(tr, row.cells || {}, 'data-field');
            values(tr, row.cells || {});
            if (row.state !== undefined) { tr.setAttribute('data-state', row.state); }
          }
          return true;
        }
        function tick() {
          fetch(url, {cache: 'no-store', credentials: 'same-origin', headers: {'Accept': 'application/json'}})
            .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
            .then(function (data) {
              var view = data.view || {};
              var groups = view.groups || {};
              for (var name in groups) {
                if (Object.prototype.hasOwnProperty.call(groups, name) && !sync(name, groups[name])) {
                  window.location.reload();
                  return;
                }
              }
              fill(document, view.fields || {}, 'data-page-field');
              if (live) { live.textContent = 'live \\u00b7 ' + new Date().toLocaleTimeString(); live.className = 'live'; }
              body.setAttribute('data-updated', String(Date.now()));
              window.setTimeout(tick, interval);
            })
            .catch(function () {
              if (live) { live.textContent = 'offline, retrying'; live.className = 'live offline'; }
              window.setTimeout(tick, interval);
            });
        }
        window.setTimeout(tick, interval);
      })();
      """;
}
