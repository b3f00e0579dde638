/* cuomin editors' page: plain JavaScript, no libraries, no network but this server. */
(function () {
  "use strict";

  // Chinese labels; they mirror cuomin.model (a test keeps them in step).
  var SEVERITY_LABEL = { critical: "严重", error: "错误", warning: "提醒" };
  var CATEGORY_LABEL = {
    leader: "领导人姓名职务", name: "国家和机构名称", formulation: "固定表述",
    sovereignty: "涉主权表述", outdated: "过时名称", typo: "错别字", usage: "用法提醒",
    sensitive: "敏感内容", privacy: "个人信息", secrecy: "涉密标识", date: "日期",
    format: "格式", link: "暗链与垃圾信息", file: "文件无法检查"
  };
  var PART_LABEL = {
    title: "标题", body: "正文", meta: "页面元数据", attachment: "附件", hidden: "隐藏内容",
    header: "页眉", footer: "页脚", table: "表格", comment: "批注", footnote: "脚注", link: "链接"
  };
  var SEVERITY_RANK = { critical: 3, error: 2, warning: 1 };
  var DELETE_WORDS = { "删除": true, "（删除）": true, "(删除)": true };

  var $ = function (id) { return document.getElementById(id); };
  var draft = $("draft"), titleInput = $("title"), view = $("view"), viewBody = $("view-body"),
      viewTitle = $("view-title"), list = $("findings"), summary = $("summary"), message = $("message");
  var state = { result: null, text: "", title: "", mode: "paste", busy: false };

  // -- helpers ------------------------------------------------------------------------------
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  /* The server counts characters (code points); JavaScript strings count UTF-16 units.
     units[k] is the UTF-16 index of code point k, units[n] the string length. */
  function unitIndex(text) {
    var units = [0], pos = 0;
    for (var ch of text) { pos += ch.length; units.push(pos); }
    return units;
  }

  function showMessage(text, info) {
    message.textContent = text;
    message.className = info ? "message info" : "message";
    message.hidden = !text;
  }

  function today() {
    var d = new Date();
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate());
  }

  function token() { try { return sessionStorage.getItem("cuomin-token") || ""; } catch (e) { return ""; } }
  function saveToken(value) { try { sessionStorage.setItem("cuomin-token", value); } catch (e) { /* private mode */ } }

  var pendingToken = null;
  function askToken() {
    if (pendingToken) return pendingToken; // one dialog for requests refused together
    pendingToken = new Promise(function (resolve) {
      var dialog = $("token-dialog");
      if (typeof dialog.showModal !== "function") {
        resolve(window.prompt("检查服务需要访问令牌：") || "");
        return;
      }
      $("token-input").value = "";
      dialog.onclose = function () { resolve(dialog.returnValue === "ok" ? $("token-input").value.trim() : ""); };
      dialog.showModal();
    }).then(function (value) { pendingToken = null; return value; });
    return pendingToken;
  }

  /* fetch with the access token; on 401 ask for a token once and retry. */
  function api(path, options, retried) {
    options = options || {};
    var headers = Object.assign({}, options.headers || {});
    if (token()) headers["Authorization"] = "Bearer " + token();
    return fetch(path, Object.assign({}, options, { headers: headers })).then(function (resp) {
      return resp.json().catch(function () { return {}; }).then(function (body) {
        if (resp.status === 401 && !retried) {
          return askToken().then(function (value) {
            if (!value) return { ok: false, status: 401, body: body };
            saveToken(value);
            return api(path, options, true);
          });
        }
        return { ok: resp.ok, status: resp.status, body: body };
      });
    }, function () {
      return { ok: false, status: 0, body: { error: { message: "无法连接检查服务，请确认服务已启动" } } };
    });
  }

  function errorText(resp) {
    var e = resp.body && resp.body.error;
    return (e && e.message) || ("检查服务返回错误（HTTP " + resp.status + "）");
  }

  function setBusy(busy) {
    state.busy = busy;
    ["check-btn", "upload-btn", "apply-all-btn"].forEach(function (id) { $(id).disabled = busy; });
  }

  // -- service status and stacks --------------------------------------------------------------
  function loadStatus() {
    api("/v1/health").then(function (resp) {
      var status = $("service-status");
      if (!resp.ok) { status.textContent = "检查服务不可用"; status.classList.add("down"); return; }
      var stacks = resp.body.stacks || {};
      status.textContent = "词库：" + (stacks[resp.body.default_stack] || "");
      status.classList.remove("down");
    });
    api("/v1/dictionaries").then(function (resp) {
      if (!resp.ok) return;
      var select = $("stack");
      select.textContent = "";
      (resp.body.stacks || []).forEach(function (s) {
        var option = el("option", null, s.description ? s.name + "（" + s.description + "）" : s.name);
        option.value = s.name;
        option.selected = s.name === resp.body.default_stack;
        option.title = s.dictionary_version;
        select.appendChild(option);
      });
    });
  }

  // -- checking pasted text --------------------------------------------------------------------
  /* Check the draft; ``done`` is the message shown when the check succeeds. */
  function runCheck(done) {
    var text = draft.value, title = titleInput.value.trim();
    if (!text.trim() && !title) { showMessage("请先粘贴稿件正文或填写标题"); return Promise.resolve(false); }
    setBusy(true);
    var payload = { text: text, title: title || null, date: $("date").value || null, stack: $("stack").value || null };
    return api("/v1/check", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(payload)
    }).then(function (resp) {
      setBusy(false);
      if (!resp.ok) { showMessage(errorText(resp)); return false; }
      state.text = text; state.title = title;
      showMessage(typeof done === "string" ? done : "", true);
      showResult(resp.body, true);
      return true;
    });
  }

  function showResult(result, withText) {
    state.result = result;
    state.resultMode = withText ? "paste" : "file";
    renderSummary(result);
    renderFindings(result.findings, withText);
    if (withText) renderView(result.findings);
    $("filters").hidden = result.findings.length === 0;
    var fixable = withText && result.findings.some(function (f) { return canApply(f) && f.severity !== "warning"; });
    $("apply-all-btn").hidden = !fixable;
  }

  function renderSummary(result) {
    summary.textContent = "";
    var s = result.stats;
    var decision = el("span", "decision " + (result.blocking ? "block" : "allow"),
      result.blocking ? "阻止发布" : (s.findings ? "可以发布（请逐条核对）" : "未发现问题"));
    summary.appendChild(decision);
    var counts = el("span", "counts");
    ["critical", "error", "warning"].forEach(function (sev) {
      counts.appendChild(el("span", null, SEVERITY_LABEL[sev] + " " + (s.by_severity[sev] || 0)));
    });
    summary.appendChild(counts);
    if (s.truncated) summary.appendChild(el("span", "hint", "（只列出前 " + s.listed + " 条，共 " + s.findings + " 条）"));
    summary.appendChild(el("span", "version", "词库组 " + result.stack + " · " + result.dictionary_version +
      " · 阻止发布：" + result.block_on.map(function (x) { return SEVERITY_LABEL[x]; }).join("、")));
  }

  function describe(f) {
    var loc = f.location || {}, bits = [];
    if (f.source === "text") {
      bits.push(PART_LABEL[loc.part] || "正文");
      bits.push("第" + f.line + "行第" + f.column + "列");
      return bits.join(" ");
    }
    bits.push(PART_LABEL[loc.part] || "正文");
    if (loc.file) bits.push(loc.file);
    if (loc.sheet) bits.push("工作表“" + loc.sheet + "”");
    if (loc.page) bits.push("第" + loc.page + "页");
    if (loc.paragraph) bits.push("第" + loc.paragraph + "段");
    if (loc.cell) bits.push("单元格 " + loc.cell);
    if (loc.element) bits.push(loc.element);
    if (!loc.page && !loc.paragraph && !loc.cell && f.line) bits.push("第" + f.line + "行");
    return bits.join(" ");
  }

  function isTitle(f) { return f.source === "text" && f.location && f.location.part === "title"; }
  function isBody(f) { return f.source === "text" && !isTitle(f); }
  function canApply(f) { return f.source === "text" && f.suggestions.length > 0; }

  function contextNode(f) {
    var p = el("p", "ctx"), ctx = f.context || "", at = ctx.indexOf(f.match);
    if (!f.match || at < 0) { p.textContent = "…" + ctx + "…"; return p; }
    p.appendChild(document.createTextNode("…" + ctx.slice(0, at)));
    p.appendChild(el("b", null, f.match));
    p.appendChild(document.createTextNode(ctx.slice(at + f.match.length) + "…"));
    return p;
  }

  function renderFindings(findings) {
    list.textContent = "";
    findings.forEach(function (f, i) {
      var li = el("li", "finding sev-" + f.severity);
      li.dataset.i = i;
      li.dataset.severity = f.severity;
      var head = el("div", "head");
      head.appendChild(el("span", "badge", SEVERITY_LABEL[f.severity] || f.severity));
      head.appendChild(el("span", "cat", CATEGORY_LABEL[f.category] || f.category));
      head.appendChild(el("span", "where", describe(f)));
      li.appendChild(head);
      var fix = el("div", "fix");
      fix.appendChild(el("del", null, f.match || "（整个文件）"));
      if (f.suggestions.length) {
        fix.appendChild(document.createTextNode(" → "));
        fix.appendChild(el("ins", null, f.suggestions.join(" / ")));
      }
      li.appendChild(fix);
      li.appendChild(el("p", "why", f.explanation));
      if (f.source !== "text" && f.context) li.appendChild(contextNode(f));
      li.appendChild(el("div", "meta", f.code + " · 词库 " + f.layer + " · 条目 " + f.entry));
      if (canApply(f)) {
        f.suggestions.forEach(function (s) {
          var b = el("button", "apply", DELETE_WORDS[s] ? "删除此处" : "采用“" + s + "”");
          b.type = "button";
          b.addEventListener("click", function (ev) { ev.stopPropagation(); applyOne(i, s); });
          li.appendChild(b);
        });
      }
      li.addEventListener("click", function () { jumpTo(i); });
      list.appendChild(li);
    });
    applyFilters();
  }

  /* Highlight findings in text: marks for non-overlapping spans, in order. */
  function highlight(container, text, items) {
    container.textContent = "";
    var units = unitIndex(text), pos = 0;
    items.sort(function (a, b) { return a.f.start - b.f.start || SEVERITY_RANK[b.f.severity] - SEVERITY_RANK[a.f.severity]; });
    var marks = [];
    items.forEach(function (item) {
      var f = item.f;
      if (f.start < pos || f.end > units.length - 1 || f.end <= f.start) { item.cover = true; return; }
      var a = units[f.start], b = units[f.end];
      if (a > units[pos]) container.appendChild(document.createTextNode(text.slice(units[pos], a)));
      var mark = el("mark", "sev-" + f.severity, text.slice(a, b));
      mark.dataset.i = item.i;
      mark.title = (SEVERITY_LABEL[f.severity] || "") + "：" + f.explanation;
      mark.addEventListener("click", function () { selectFinding(item.i, true); });
      container.appendChild(mark);
      marks.push({ start: f.start, end: f.end, node: mark });
      pos = f.end;
    });
    if (units[pos] < text.length) container.appendChild(document.createTextNode(text.slice(units[pos])));
    // a finding inside an already highlighted span jumps to that span
    items.forEach(function (item) {
      if (!item.cover) return;
      marks.some(function (m) {
        if (m.start <= item.f.start && item.f.start < m.end) { m.node.dataset.also = (m.node.dataset.also || "") + " " + item.i; return true; }
        return false;
      });
    });
  }

  function renderView(findings) {
    var body = [], title = [];
    findings.forEach(function (f, i) {
      if (isBody(f)) body.push({ f: f, i: i });
      else if (isTitle(f)) title.push({ f: f, i: i });
    });
    highlight(viewBody, state.text, body);
    viewTitle.hidden = !state.title;
    if (state.title) highlight(viewTitle, state.title, title);
    showView(true);
  }

  function showView(on) {
    view.hidden = !on;
    draft.hidden = on;
    titleInput.readOnly = on;
    $("edit-btn").hidden = !on;
    if (on) view.style.height = draft.offsetHeight ? draft.offsetHeight + "px" : "";
  }

  function markFor(i) {
    var direct = view.querySelector('mark[data-i="' + i + '"]');
    if (direct) return direct;
    var all = view.querySelectorAll("mark[data-also]");
    for (var k = 0; k < all.length; k++) {
      if ((" " + all[k].dataset.also + " ").indexOf(" " + i + " ") >= 0) return all[k];
    }
    return null;
  }

  function selectFinding(i, scrollList) {
    list.querySelectorAll(".finding.active").forEach(function (n) { n.classList.remove("active"); });
    var li = list.querySelector('li[data-i="' + i + '"]');
    if (li) {
      li.classList.add("active");
      if (scrollList) li.scrollIntoView({ block: "nearest", behavior: "smooth" });
    }
  }

  function jumpTo(i) {
    selectFinding(i, false);
    view.querySelectorAll("mark.active").forEach(function (n) { n.classList.remove("active"); });
    var mark = markFor(i);
    if (!mark) return;
    mark.scrollIntoView({ block: "center", behavior: "smooth" });
    void mark.offsetWidth; // restart the flash animation
    mark.classList.add("active");
  }

  // -- applying suggestions --------------------------------------------------------------------
  function replacement(s) { return DELETE_WORDS[s] ? "" : s; }

  /* Replace one finding's span in the text it came from; false if the text has changed. */
  function replaceSpan(f, s) {
    var field = isTitle(f) ? titleInput : draft;
    var text = isTitle(f) ? state.title : state.text;
    var units = unitIndex(text), a = units[f.start], b = units[f.end];
    if (a === undefined || b === undefined || text.slice(a, b) !== f.match) return null;
    return { field: field, text: text.slice(0, a) + replacement(s) + text.slice(b) };
  }

  function applyOne(i, s) {
    if (state.busy) return;
    var f = state.result.findings[i];
    var done = replaceSpan(f, s);
    if (!done) { showMessage("原文已改动，无法定位，请重新检查"); return; }
    done.field.value = done.text;
    updateCount();
    var what = "已将“" + f.match + "”" + (replacement(s) ? "改为“" + s + "”" : "删除");
    showMessage(what + "，正在重新检查…", true);
    runCheck(what + "，已重新检查");
  }

  function applyAll() {
    if (state.busy || !state.result) return;
    var picks = state.result.findings.filter(function (f) { return canApply(f) && f.severity !== "warning"; });
    var count = 0;
    [true, false].forEach(function (titlePart) {
      var text = titlePart ? state.title : state.text, units = unitIndex(text), edge = Infinity;
      picks.filter(function (f) { return isTitle(f) === titlePart; })
        .sort(function (a, b) { return b.start - a.start; })
        .forEach(function (f) {
          if (f.end > edge) return; // overlaps a later one already replaced
          var a = units[f.start], b = units[f.end];
          if (text.slice(a, b) !== f.match) return;
          text = text.slice(0, a) + replacement(f.suggestions[0]) + text.slice(b);
          edge = f.start;
          count++;
        });
      (titlePart ? titleInput : draft).value = text;
    });
    updateCount();
    showMessage("已采用 " + count + " 条建议，正在重新检查…", true);
    runCheck("已采用 " + count + " 条建议，已重新检查");
  }

  // -- uploads ---------------------------------------------------------------------------------
  function upload() {
    var files = $("file-input").files;
    if (!files || !files.length) { showMessage("请先选择要检查的文件"); return; }
    var form = new FormData();
    for (var k = 0; k < files.length; k++) form.append("file", files[k], files[k].name);
    if ($("date").value) form.append("date", $("date").value);
    if ($("stack").value) form.append("stack", $("stack").value);
    setBusy(true);
    api("/v1/check/file", { method: "POST", body: form }).then(function (resp) {
      setBusy(false);
      if (!resp.ok) { showMessage(errorText(resp)); return; }
      showMessage("");
      var ul = $("file-list");
      ul.textContent = "";
      resp.body.files.forEach(function (file) {
        var li = el("li", null, file.name + "：" + (file.error ? "" : file.findings + " 处问题"));
        if (file.error) li.appendChild(el("span", "err", "无法读取（" + file.error + "）"));
        ul.appendChild(li);
      });
      showResult(resp.body, false);
    });
  }

  // -- page wiring -----------------------------------------------------------------------------
  function applyFilters() {
    var on = {};
    $("filters").querySelectorAll("input").forEach(function (c) { on[c.value] = c.checked; });
    list.querySelectorAll(".finding").forEach(function (li) { li.hidden = !on[li.dataset.severity]; });
  }

  function updateCount() { $("char-count").textContent = Array.from(draft.value).length; }

  function clearResult() {
    state.result = null;
    list.textContent = "";
    summary.textContent = "粘贴正文或上传附件后点击检查。";
    $("filters").hidden = true;
    $("apply-all-btn").hidden = true;
    showMessage("");
  }

  function setMode(mode) {
    if (state.result && state.resultMode !== mode) {
      clearResult();
      if (mode === "paste") showView(false);
    }
    state.mode = mode;
    $("tab-paste").classList.toggle("active", mode === "paste");
    $("tab-file").classList.toggle("active", mode === "file");
    $("tab-paste").setAttribute("aria-selected", mode === "paste");
    $("tab-file").setAttribute("aria-selected", mode === "file");
    $("paste-panel").hidden = mode !== "paste";
    $("file-panel").hidden = mode !== "file";
  }

  function copyText() {
    var text = draft.value;
    var done = function () { showMessage("正文已复制", true); };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { showMessage("复制失败，请手动选择复制"); });
      return;
    }
    showView(false);
    draft.select();
    try { document.execCommand("copy"); done(); } catch (e) { showMessage("复制失败，请手动选择复制"); }
  }

  $("date").value = today();
  $("check-btn").addEventListener("click", function () { runCheck(); });
  $("edit-btn").addEventListener("click", function () { showView(false); draft.focus(); });
  $("apply-all-btn").addEventListener("click", applyAll);
  $("copy-btn").addEventListener("click", copyText);
  $("upload-btn").addEventListener("click", upload);
  $("tab-paste").addEventListener("click", function () { setMode("paste"); });
  $("tab-file").addEventListener("click", function () { setMode("file"); });
  $("filters").addEventListener("change", applyFilters);
  draft.addEventListener("input", updateCount);
  document.addEventListener("keydown", function (ev) {
    if ((ev.ctrlKey || ev.metaKey) && ev.key === "Enter" && state.mode === "paste") { ev.preventDefault(); runCheck(); }
  });
  updateCount();
  loadStatus();
})();
