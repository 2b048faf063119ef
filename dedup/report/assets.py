"""The stylesheet and the script of report.html, as data.

Both are inlined in the page and admitted by hash in its Content-Security-
Policy, so any change to them changes the page's bytes.
"""

CSS = """
:root{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;color:#222;background:#fafafa}
body{margin:0 auto;max-width:1400px;padding:0 16px 40px}
nav{position:sticky;top:0;background:#fafafa;border-bottom:1px solid #ddd;padding:8px 0;z-index:2}
nav a{margin-right:16px;font-weight:600}
h1{font-size:1.4em}h2{border-bottom:2px solid #444;padding-bottom:2px;margin-top:28px}
.cards{display:flex;flex-wrap:wrap;gap:8px}
.card{background:#fff;border:1px solid #ddd;border-radius:6px;padding:8px 12px;min-width:120px}
.card b{display:block;font-size:1.4em}.card span{color:#666;font-size:.85em}
table{border-collapse:collapse;margin:6px 0;background:#fff}
td,th{border:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top;font-size:.9em}
table.num td:nth-child(n+3){text-align:right}
table.params{font-size:.85em}table.params th{background:#f2f2f2}
.two{display:grid;grid-template-columns:minmax(300px,1fr) minmax(300px,600px);gap:24px}
.chart .ax{font-size:10px;fill:#555}.share{vertical-align:middle}
.note{color:#555;font-size:.9em}
.sw{display:inline-block;width:10px;height:10px;border-radius:2px;vertical-align:middle}
.tag{display:inline-block;padding:0 5px;border-radius:3px;font-size:.8em;font-family:monospace}
.cluster{background:#fff;border:1px solid #ccc;border-radius:6px;padding:4px 12px;margin:12px 0}
.cluster h3{font-size:1em;margin:6px 0}
.why{font-size:.85em;color:#333;background:#f4f8f4;padding:4px 8px;border-radius:4px}
.mgrid{display:grid;grid-template-columns:repeat(auto-fit,minmax(300px,1fr));gap:10px}
.member{border:2px solid #ccc;border-radius:6px;padding:6px;min-width:0}
.member.canonical{border-color:#2a8a2a;background:#f3fbf3}
.mhead{font-size:.85em;margin-bottom:4px}.mtext{white-space:pre-wrap;overflow-wrap:anywhere}
.badge{font-weight:700;padding:1px 6px;border-radius:3px;font-size:.85em}
.badge.kept{background:#2a8a2a;color:#fff}.badge.gone{background:#b33;color:#fff}
.dw{background:#ffe066;border-radius:2px}
.doc{background:#fff;border:1px solid #ccc;border-radius:6px;margin:8px 0;padding:4px 10px}
.doc summary{cursor:pointer}
.text{white-space:pre-wrap;overflow-wrap:anywhere;font-family:Georgia,serif;line-height:1.45}
del.rm{text-decoration:line-through 2px;color:#555}
mark.keep{background:#d6f5d6;outline:1px solid #2a8a2a}
.kl{font-size:.75em;margin-left:3px;font-family:system-ui,sans-serif}
:target,.flash{outline:3px solid #e0a000}
details>summary>h3{display:inline}
"""

# No corpus data ever goes in here: the page's data lives in escaped HTML only.
# After load it opens the <details> holding a link target and records, per
# cluster, what the browser actually laid out (read by the browser test).
JS = """
(function(){
  function reveal(){
    var id = decodeURIComponent(location.hash.slice(1));
    if (!id) return;
    var el = document.getElementById(id);
    if (!el) return;
    for (var p = el; p; p = p.parentElement) { if (p.tagName === 'DETAILS') p.open = true; }
    el.scrollIntoView({block: 'center'});
  }
  window.addEventListener('hashchange', reveal);
  function measure(){
    var all = document.querySelectorAll('section.cluster');
    for (var i = 0; i < all.length; i++) {
      var c = all[i], members = c.querySelectorAll('.member');
      var canon = c.querySelectorAll('.member[data-canonical="true"]');
      var visible = 0, rows = {};
      for (var j = 0; j < members.length; j++) {
        var r = members[j].getBoundingClientRect();
        if (r.width > 0 && r.height > 0) visible++;
        rows[Math.round(r.top)] = 1;
      }
      c.setAttribute('data-dom-members', String(members.length));
      c.setAttribute('data-dom-canonical', String(canon.length));
      c.setAttribute('data-dom-visible', String(visible));
      c.setAttribute('data-dom-rows', String(Object.keys(rows).length));
    }
    document.body.setAttribute('data-report-ready', '1');
  }
  document.addEventListener('DOMContentLoaded', function(){ reveal(); measure(); });
})();
"""
