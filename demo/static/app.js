// Ajel demo chat. Talks to /demo/api/*: long-polls the transcript, sends
// what the reader types and the buttons they press. Every string from the
// server goes in with textContent, except the bot's message HTML, which the
// server has already reduced to Telegram's few safe tags.
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);
  const chat = $("chat");
  const list = $("messages");
  const form = $("composer");
  const input = $("input");
  const sendBtn = $("send");
  const statusEl = $("status");
  const toastEl = $("toast");
  const inlineList = $("inline-list");

  const nodes = new Map(); // message id -> row element
  let after = 0;
  let typingTimer = 0;
  let toastTimer = 0;
  let botName = ""; // the bot's username: "@bot words" is an inline query

  const el = (tag, cls, text) => {
    const n = document.createElement(tag);
    if (cls) n.className = cls;
    if (text !== undefined) n.textContent = text;
    return n;
  };
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const pad = (n) => String(n).padStart(2, "0");

  function clock(iso) {
    const d = new Date(iso);
    return isNaN(d) ? "" : pad(d.getHours()) + ":" + pad(d.getMinutes());
  }

  function setStatus(text, cls) {
    statusEl.textContent = text;
    statusEl.className = "peer-status" + (cls ? " " + cls : "");
  }

  function showToast(text) {
    if (!text) return;
    toastEl.textContent = text;
    toastEl.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { toastEl.hidden = true; }, 2600);
  }

  function nearBottom() {
    return chat.scrollHeight - chat.scrollTop - chat.clientHeight < 160;
  }

  function scrollToEnd() {
    chat.scrollTop = chat.scrollHeight;
  }

  function meta(m) {
    const box = el("span", "meta");
    if (m.silent) {
      const s = el("span", "silent", "🔕");
      s.title = "أُرسلت دون تنبيه";
      box.append(s);
    }
    if (m.edited) box.append(el("span", "edited", "معدّلة"));
    box.append(el("time", "", clock(m.time)));
    if (m.from === "user") box.append(el("span", "ticks", "✓✓"));
    return box;
  }

  function keyboard(m) {
    const kb = el("div", "keyboard");
    for (const row of m.keyboard || []) {
      const r = el("div", "kb-row");
      for (const k of row) {
        if (k.data) {
          const b = el("button", "kb-btn", k.text);
          b.type = "button";
          b.dataset.data = k.data;
          b.addEventListener("click", () => press(m.id, k.data, b));
          r.append(b);
        } else if (typeof k.share === "string") {
          // Share (switch_inline_query): Telegram opens the chat picker
          // with "@bot words"; here, the same chat.
          const b = el("button", "kb-btn", k.text);
          b.type = "button";
          b.addEventListener("click", () => {
            input.value = "@" + botName + " " + k.share;
            input.focus();
            inlineSearch();
          });
          r.append(b);
        } else if (k.url && /^https?:\/\//i.test(k.url)) {
          const a = el("a", "kb-btn", k.text);
          a.href = k.url;
          a.target = "_blank";
          a.rel = "noopener noreferrer";
          a.append(el("span", "link-mark", "↗"));
          r.append(a);
        }
      }
      if (r.childElementCount) kb.append(r);
    }
    return kb;
  }

  function render(m) {
    const row = el("div", "row " + (m.from === "user" ? "out" : "in"));
    row.dataset.id = String(m.id);
    row.dataset.from = m.from;
    const bubble = el("div", "bubble");
    const text = el("div", "text");
    if (m.via) {
      // Posted by the reader through inline mode: the bot's message.
      bubble.append(el("div", "via", "via @" + m.via));
    }
    if (m.from === "user" && !m.via) {
      text.textContent = m.text;
      text.dir = "auto"; // "/subscribe إدلب" reads left to right, as typed
    } else if (m.push) {
      bubble.classList.add("push", m.breaking ? "breaking" : "news");
      bubble.append(el("div", "push-head", m.head));
      text.innerHTML = m.body_html; // sanitized by the server
    } else {
      text.innerHTML = m.html; // sanitized by the server
    }
    text.append(meta(m));
    bubble.append(text);
    if (m.preview) {
      // The story's picture, as Telegram shows a large link preview.
      const img = el("img", "preview");
      img.src = m.preview;
      img.alt = "";
      img.loading = "lazy";
      img.referrerPolicy = "no-referrer";
      if (m.preview_above) bubble.prepend(img); else bubble.append(img);
      bubble.classList.add("with-preview");
    }
    row.append(bubble);
    if (m.keyboard && m.keyboard.length) row.append(keyboard(m));
    return row;
  }

  function upsert(m) {
    const old = nodes.get(m.id);
    if (m.deleted) {
      if (old) old.remove();
      nodes.delete(m.id);
      return false;
    }
    const row = render(m);
    if (old) {
      row.style.animation = "none"; // an edit is not a new message
      old.replaceWith(row);
    } else {
      list.append(row);
    }
    nodes.set(m.id, row);
    if (m.from === "bot" && !old) {
      clearTimeout(typingTimer);
      setStatus("بوت");
    }
    return !old;
  }

  async function poll() {
    let backoff = 500;
    for (;;) {
      try {
        const r = await fetch("/demo/api/messages?after=" + after, { cache: "no-store" });
        if (!r.ok) throw new Error("HTTP " + r.status);
        const j = await r.json();
        const stick = nearBottom();
        if (j.reset) {
          list.replaceChildren();
          nodes.clear();
        }
        let added = false;
        for (const m of j.messages) added = upsert(m) || added;
        after = j.last;
        botName = j.bot || botName;
        if (statusEl.classList.contains("offline")) setStatus("بوت");
        if (added && (stick || j.reset)) scrollToEnd();
        backoff = 500;
      } catch (err) {
        setStatus("جارٍ الاتصال…", "offline");
        await sleep(backoff);
        backoff = Math.min(backoff * 2, 8000);
      }
    }
  }

  async function post(path, body) {
    const r = await fetch(path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    let j = {};
    try { j = await r.json(); } catch (_) { /* keep {} */ }
    if (!r.ok) throw new Error(j.error || "HTTP " + r.status);
    return j;
  }

  async function sendText(text) {
    text = text.trim();
    if (!text) return;
    sendBtn.disabled = true;
    try {
      const j = await post("/demo/api/send", { text });
      if (j.message) upsert(j.message);
      scrollToEnd();
      setStatus("يكتب…", "typing");
      clearTimeout(typingTimer);
      typingTimer = setTimeout(() => setStatus("بوت"), 4000);
      return true;
    } catch (err) {
      showToast("تعذّر الإرسال: " + err.message);
      return false;
    } finally {
      sendBtn.disabled = false;
    }
  }

  async function press(id, data, btn) {
    btn.classList.add("busy");
    try {
      const j = await post("/demo/api/press", { message_id: id, data });
      showToast(j.answer);
    } catch (err) {
      showToast("تعذّر تنفيذ الزر: " + err.message);
    } finally {
      btn.classList.remove("busy");
    }
  }

  // Inline mode: "@bot words" lists the bot's stories above the input, as
  // Telegram's picker does; picking one posts it into the chat via the bot.
  let inlineTimer = 0;
  let inlineSeq = 0;
  // Before the first poll names the bot, any "@name words" is asked about:
  // the server says whether it is an inline query.
  const isInline = (text) => botName === "" ? /^@\w+ /.test(text + " ")
    : (text + " ").toLowerCase().startsWith("@" + botName.toLowerCase() + " ");

  function inlineSearch() {
    clearTimeout(inlineTimer);
    if (!isInline(input.value)) {
      inlineList.hidden = true;
      return;
    }
    inlineTimer = setTimeout(async () => {
      const seq = ++inlineSeq;
      try {
        const j = await post("/demo/api/inline", { text: input.value });
        if (seq === inlineSeq) showInline(j);
      } catch (err) {
        showToast("تعذّر البحث: " + err.message);
      }
    }, 300);
  }

  function showInline(j) {
    inlineList.replaceChildren();
    if (!j.inline) {
      inlineList.hidden = true;
      return;
    }
    if (j.button) inlineList.append(el("div", "inline-note", j.button));
    for (const r of j.results || []) {
      const item = el("button", "inline-item");
      item.type = "button";
      if (r.thumb) {
        const img = el("img", "inline-thumb");
        img.src = r.thumb;
        img.alt = "";
        img.referrerPolicy = "no-referrer";
        item.append(img);
      }
      const words = el("span", "inline-words");
      words.append(el("span", "inline-title", r.title), el("span", "inline-desc", r.description));
      item.append(words);
      item.addEventListener("click", async () => {
        try {
          await post("/demo/api/choose", { query_id: j.query_id, result_id: r.id });
          input.value = "";
          inlineList.hidden = true;
        } catch (err) {
          showToast("تعذّر النشر: " + err.message);
        }
      });
      inlineList.append(item);
    }
    inlineList.hidden = false;
  }

  input.addEventListener("input", inlineSearch);

  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const text = input.value;
    if (!text.trim()) return;
    if (isInline(text)) {
      // As in Telegram: "@bot words" is not sent; a story is picked.
      const first = inlineList.querySelector(".inline-item");
      if (first) first.click();
      return;
    }
    input.value = "";
    if (!(await sendText(text))) input.value = text;
    input.focus();
  });

  for (const chip of document.querySelectorAll(".chip")) {
    chip.addEventListener("click", () => sendText(chip.dataset.cmd));
  }

  list.addEventListener("click", (ev) => {
    const sp = ev.target.closest && ev.target.closest(".tg-spoiler, tg-spoiler");
    if (sp) sp.classList.add("shown");
  });

  input.focus();
  poll();
})();
