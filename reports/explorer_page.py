"""The page `cmc explore` serves: one offline HTML file (no script or style
from elsewhere) that walks a model's states through the server's JSON
(`checker.explorer`). The place is in the address (``#0/2/1``), so the
browser's back button steps back and a link names a state. Every text that
comes from the model is set as text, never as markup."""

from __future__ import annotations

import html

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>cmc explore: __TITLE__</title>
<style>
body { font: 14px/1.45 system-ui, sans-serif; margin: 0; color: #1d1d1f; background: #fafafa; }
header { padding: 10px 18px; background: #263238; color: #eceff1; }
header h1 { font-size: 16px; margin: 0; }
header .model { font: 12px ui-monospace, monospace; color: #b0bec5; }
main { display: grid; grid-template-columns: minmax(220px, 1fr) minmax(320px, 2fr) minmax(320px, 2fr);
       gap: 14px; padding: 14px 18px; }
section { background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: 10px 12px; }
h2 { font-size: 13px; text-transform: uppercase; letter-spacing: .04em; color: #546e7a; margin: 0 0 8px; }
code, .mono { font: 12.5px ui-monospace, SFMono-Regular, Menlo, monospace; }
ol.run { padding-left: 0; list-style: none; margin: 0; }
ol.run li { padding: 2px 4px; border-radius: 4px; cursor: pointer; }
ol.run li:hover { background: #eceff1; }
ol.run li.here { background: #e3f2fd; font-weight: 600; }
table.state { border-collapse: collapse; width: 100%; }
table.state td { padding: 2px 6px; border-bottom: 1px solid #f0f0f0; vertical-align: top; }
table.state td.name { color: #455a64; white-space: nowrap; }
tr.changed td { background: #fff8e1; }
.props div { margin: 2px 0; }
.ok { color: #2e7d32; } .bad { color: #c62828; font-weight: 600; } .dim { color: #78909c; }
.reached { color: #1565c0; }
button.step { display: block; width: 100%; text-align: left; margin: 0 0 6px; padding: 6px 8px;
              border: 1px solid #cfd8dc; border-radius: 5px; background: #fff; cursor: pointer; }
button.step:hover { border-color: #1e88e5; background: #f5fbff; }
button.step.breaks { border-color: #e57373; background: #fff5f5; }
button.step .changes { color: #546e7a; margin-top: 2px; white-space: pre-wrap; }
.tag { display: inline-block; font-size: 11px; padding: 0 5px; border-radius: 8px; margin-left: 6px; }
.tag.bad { background: #ffebee; } .tag.loop { background: #ede7f6; color: #4527a0; }
.tag.out { background: #eceff1; color: #455a64; }
.bar { margin: 0 0 10px; display: flex; gap: 6px; flex-wrap: wrap; }
.bar button { padding: 4px 10px; border: 1px solid #b0bec5; border-radius: 4px; background: #fff; cursor: pointer; }
.bar button.here { background: #e3f2fd; font-weight: 600; }
#stop { margin: 6px 0; }
#error { color: #c62828; white-space: pre-wrap; }
#findings a { display: block; }
.chart { overflow-x: auto; } .chart img { max-width: none; }
</style></head>
<body>
<header><h1>cmc explore: __TITLE__</h1><div class="model">__MODEL__</div></header>
<main>
<section><h2>Run</h2>
  <div class="bar"><button id="back">&larr; back</button><button id="restart">restart</button>
  <button id="random">random step</button></div>
  <div id="initials" class="bar"></div>
  <ol class="run" id="run"></ol>
  <div class="dim" style="margin-top:6px">keys: a step's number takes it, &larr; or Backspace go back</div>
  <h2 style="margin-top:14px">Counterexamples</h2>
  <div class="bar"><button id="check">check the spec</button></div>
  <div id="findings" class="mono dim">The spec's check, its first counterexamples as runs to walk.</div>
</section>
<section><h2>State <span id="where" class="dim mono"></span></h2>
  <div id="error"></div>
  <table class="state mono" id="state"></table>
  <h2 style="margin-top:14px">Properties</h2><div class="props" id="props"></div>
  <h2 style="margin-top:14px">Sequence chart</h2>
  <div class="chart"><img id="chart" alt="the run's message sequence chart"></div>
</section>
<section><h2>Steps from here <span id="count" class="dim"></span></h2>
  <div id="stop" class="dim"></div><div id="steps"></div>
</section>
</main>
<script>
"use strict";
let place = null;
const $ = (id) => document.getElementById(id);
function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined) node.textContent = text;
  return node;
}
function pathOf() { const h = location.hash.replace(/^#\\/?/, ""); return h === "" ? "0" : h; }
function go(path) { location.hash = "#" + path.join("/"); }
async function load() {
  $("error").textContent = "";
  const reply = await fetch("api/place?path=" + encodeURIComponent(pathOf()));
  const body = await reply.json();
  if (!reply.ok) {  // (what was shown is of another place: cleared)
    $("error").textContent = body.error;
    for (const id of ["state", "props", "steps", "run"]) $(id).replaceChildren();
    $("where").textContent = ""; $("stop").textContent = "";
    return;
  }
  place = body; show();
}
function show() {
  $("where").textContent = "path " + place.path.join("/") + " · depth " + place.depth
      + (place.again === null ? "" : " · the state after step " + place.again + " again");
  // (an image: the chart's SVG runs nothing)
  $("chart").src = "api/chart?path=" + place.path.join("/");
  const initials = $("initials"); initials.replaceChildren();
  if (place.initial_states > 1) {  // a button per initial state, a list past ten
    initials.append(el("span", "dim", "initial state:"));
    const many = place.initial_states > 10;
    const list = many ? el("select") : null;
    for (let k = 0; k < place.initial_states; k++) {
      if (many) {
        const option = el("option", "", k + " of " + place.initial_states);
        option.value = String(k); option.selected = k === place.path[0];
        list.append(option);
      } else {
        const button = el("button", k === place.path[0] ? "here" : "", String(k));
        button.onclick = () => go([k]);
        initials.append(button);
      }
    }
    if (many) { list.onchange = () => go([Number(list.value)]); initials.append(list); }
  }
  const run = $("run"); run.replaceChildren();
  place.run.forEach((step, k) => {
    const li = el("li", k === place.run.length - 1 ? "here mono" : "mono",
                  k + "  " + (step.action === null ? "initial state" : step.action));
    li.onclick = () => go(place.path.slice(0, k + 1));
    run.append(li);
  });
  // the fields the last step changed: a row by its own name (pc[2]), else
  // the field a change names a part of (channels for channels[p0→a1])
  const names = new Set(place.printed.map((line) => line.slice(0, line.indexOf(" = "))));
  const changed = new Set(place.run[place.run.length - 1].changes.map((line) => {
    const field = line.slice(0, line.indexOf(": "));
    return names.has(field) ? field : field.split("[")[0];
  }));
  const table = $("state"); table.replaceChildren();
  place.printed.forEach((line) => {
    const at = line.indexOf(" = ");
    const name = line.slice(0, at);
    const tr = el("tr", changed.has(name) ? "changed" : "");
    tr.append(el("td", "name", name), el("td", "", line.slice(at + 3)));
    table.append(tr);
  });
  if (!place.within_bounds) {
    const tr = el("tr"); tr.append(el("td", "dim", "bounds"),
        el("td", "dim", "outside: " + place.bound_reason));
    table.append(tr);
  }
  const props = $("props"); props.replaceChildren();
  place.properties.forEach((p) => {
    const cls = p.status === "violated" ? "bad" : p.status === "reached" ? "reached"
              : p.status === "holds" ? "ok" : "dim";
    const mark = p.status === "violated" ? "\\u2717 " : p.status === "holds" ? "\\u2713 "
               : p.status === "reached" ? "\\u2713 " : "\\u00b7 ";
    props.append(el("div", cls, mark + p.title + ": " + p.status + (p.reason ? " (" + p.reason + ")" : "")));
  });
  $("count").textContent = "(" + place.steps.length + ")";
  $("stop").textContent = place.stop || "";
  const steps = $("steps"); steps.replaceChildren();
  const titles = {}; place.properties.forEach((p) => { titles[p.name] = p.title; });
  place.steps.forEach((s) => {
    const broken = s.breaks.concat(s.violates);
    const button = el("button", "step mono" + (broken.length ? " breaks" : ""));
    button.append(el("span", "", s.index + "  " + s.action));
    broken.forEach((name) => button.append(el("span", "tag bad", "breaks " + titles[name])));
    if (s.revisits !== null) button.append(el("span", "tag loop", "back to step " + s.revisits));
    if (s.outside) button.append(el("span", "tag out", "outside the bounds"));
    button.append(el("div", "changes", s.changes.length ? s.changes.join("\\n") : "(no change)"));
    button.onclick = () => go(place.path.concat([s.index]));
    steps.append(button);
  });
}
$("back").onclick = () => { if (place && place.path.length > 1) go(place.path.slice(0, -1)); };
$("restart").onclick = () => go([place ? place.path[0] : 0]);
$("random").onclick = () => {
  if (place && place.steps.length) go(place.path.concat([Math.floor(Math.random() * place.steps.length)]));
};
$("check").onclick = async () => {
  const box = $("findings"); box.textContent = "checking\\u2026";
  const reply = await fetch("api/findings"); const body = await reply.json();
  if (reply.status === 202) {  // still running: asked again in a second
    box.textContent = "checking\\u2026 " + body.seconds + " s";
    setTimeout($("check").onclick, 1000); return;
  }
  if (!reply.ok) { box.textContent = body.error; return; }
  box.replaceChildren(el("div", "", "verdict: " + body.verdict + (body.stopped_by ? " (" + body.stopped_by + ")" : "")));
  body.findings.forEach((f) => {
    const a = el("a", "", (f.kind === "witness" ? "\\u2713 " : "\\u2717 ") + f.title + " \\u2014 " + f.steps + " steps"
        + (f.loop_start === null ? "" : ", looping back to step " + f.loop_start)
        + (f.reason ? ": " + f.reason : ""));
    a.href = "#" + f.path.join("/"); box.append(a);
  });
};
window.addEventListener("hashchange", load);
let typed = "", waiting = null;  // digits typed: a step of 10 or more is two keys
function take(index) { if (index < place.steps.length) go(place.path.concat([index])); }
window.addEventListener("keydown", (event) => {
  if (!place || event.ctrlKey || event.metaKey || event.altKey) return;
  if (/^[0-9]$/.test(event.key)) {
    clearTimeout(waiting);
    typed += event.key;
    if (place.steps.length <= 10 || typed.length > 1) { take(Number(typed)); typed = ""; }
    else waiting = setTimeout(() => { take(Number(typed)); typed = ""; }, 600);
  } else if ((event.key === "ArrowLeft" || event.key === "Backspace") && place.path.length > 1) {
    event.preventDefault(); go(place.path.slice(0, -1));
  }
});
load();
</script>
</body></html>
"""


def explorer_page(title: str, model: str) -> str:
    """The page, for the spec `title` and the model as `describe` prints it."""
    return PAGE.replace("__TITLE__", html.escape(title)).replace("__MODEL__", html.escape(model))
