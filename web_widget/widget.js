/*
 * Local offer assistant: the embeddable chat widget.
 *
 *   <script src="https://assistant.example/widget.js" data-council="brackenmoor" async></script>
 *
 * Plain JavaScript (ES2019), no framework, no build step. Everything it loads or calls is on the
 * origin this file was served from (the gateway): no cookies, no third-party requests. The
 * conversation lives in sessionStorage, so it follows the parent across the council's pages and
 * is gone when the browser session ends. Bot text is always inserted as text, never as HTML.
 *
 * Options (data- attributes on the script tag, all optional but data-council):
 *   data-council        the council's id, used to filter "Look something up"
 *   data-council-name   shown in the panel's header (default: from /api/widget-config)
 *   data-title          the launcher's and panel's title (default "Ask about SEND support")
 *   data-position       "right" (default) or "left"
 *   data-accent, data-accent-text
 *                       the accent colour and the text colour on it, as #rgb or #rrggbb; refused
 *                       (with a console warning) unless the text on the accent and the accent
 *                       on white both reach WCAG AA contrast (4.5:1)
 *   data-spa-phone, data-spa-email
 *                       shown when the assistant cannot be reached (default: from the config)
 *   data-fallback-url   the council's SEND pages, linked when the assistant is unavailable
 *   data-exit-url       where "Exit this page" goes (default https://www.bbc.co.uk/weather)
 */
(function () {
  "use strict";
  if (window.LocalOfferAssistant) return;

  var script = document.currentScript || document.querySelector('script[src*="widget.js"]');
  if (!script) return;
  var base = new URL(script.src, location.href);
  var origin = base.origin;
  var ds = script.dataset;
  var STORE_KEY = "local-offer-assistant:" + origin;
  var MAX_STORED = 200;
  var MAX_CHARS = 2000;
  var SLOW_MS = 5000;
  var TIMEOUT_MS = 25000;
  var DEFAULT_ACCENT = "#1d4f91";
  var DEFAULT_ACCENT_TEXT = "#ffffff";
  var IDS = 0;

  // ----- options and colours ----------------------------------------------------------------

  function hexToRgb(hex) {
    var m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(String(hex || "").trim());
    if (!m) return null;
    var h = m[1].length === 3 ? m[1].replace(/./g, "$&$&") : m[1];
    return [0, 2, 4].map(function (i) { return parseInt(h.substr(i, 2), 16); });
  }

  function luminance(rgb) {
    var c = rgb.map(function (v) {
      v /= 255;
      return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  }

  function contrastRatio(a, b) {
    var ra = hexToRgb(a), rb = hexToRgb(b);
    if (!ra || !rb) return 0;
    var la = luminance(ra), lb = luminance(rb);
    return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
  }

  function pickColours(accent, accentText) {
    if (!accent && !accentText) return { accent: DEFAULT_ACCENT, text: DEFAULT_ACCENT_TEXT, refused: false };
    accent = accent || DEFAULT_ACCENT;
    accentText = accentText || DEFAULT_ACCENT_TEXT;
    var onAccent = contrastRatio(accent, accentText);
    var onWhite = contrastRatio(accent, "#ffffff");
    if (onAccent >= 4.5 && onWhite >= 4.5) return { accent: accent, text: accentText, refused: false };
    if (window.console) {
      console.warn("Local offer assistant: colours " + accent + " / " + accentText + " refused (contrast " +
        onAccent.toFixed(2) + ":1 text on accent, " + onWhite.toFixed(2) +
        ":1 accent on white; both must be at least 4.5:1). Using the default colours.");
    }
    return { accent: DEFAULT_ACCENT, text: DEFAULT_ACCENT_TEXT, refused: true };
  }

  var colours = pickColours(ds.accent, ds.accentText);
  var opts = {
    council: ds.council || "",
    councilName: ds.councilName || "",
    title: ds.title || "Ask about SEND support",
    position: ds.position === "left" ? "left" : "right",
    spaPhone: ds.spaPhone || "",
    spaEmail: ds.spaEmail || "",
    fallbackUrl: ds.fallbackUrl || "",
    exitUrl: ds.exitUrl || "https://www.bbc.co.uk/weather"
  };
  var config = null; // from /api/widget-config

  // ----- state (sessionStorage) -------------------------------------------------------------

  function emptyState() {
    return { sessionId: null, messages: [], open: false, tab: "chat", pending: null };
  }

  function load() {
    try {
      var raw = window.sessionStorage.getItem(STORE_KEY);
      var parsed = raw ? JSON.parse(raw) : null;
      if (parsed && Array.isArray(parsed.messages)) return parsed;
    } catch (e) { /* storage blocked or corrupt: start afresh */ }
    return emptyState();
  }

  var state = load();

  function save() {
    try {
      state.messages = state.messages.slice(-MAX_STORED);
      window.sessionStorage.setItem(STORE_KEY, JSON.stringify(state));
    } catch (e) { /* storage full or blocked: the conversation still works on this page */ }
  }

  function forget() {
    try { window.sessionStorage.removeItem(STORE_KEY); } catch (e) { /* nothing stored */ }
    state = emptyState();
  }

  // ----- DOM helpers ------------------------------------------------------------------------

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      var v = attrs[k];
      if (v === null || v === undefined || v === false) return;
      if (k === "text") node.textContent = v;
      else if (k === "className") node.className = v;
      else if (k.slice(0, 2) === "on") node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v === true ? "" : v);
    });
    (children || []).forEach(function (c) {
      if (c !== null && c !== undefined) node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return node;
  }

  function uid(prefix) { IDS += 1; return "lo-" + prefix + "-" + IDS; }

  function vh(text) { return el("span", { className: "lo-vh", text: text }); }

  function formatDate(iso) {
    if (!iso) return "";
    var d = new Date(String(iso).slice(0, 10) + "T12:00:00Z");
    if (isNaN(d.getTime())) return String(iso);
    return d.toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
  }

  function safeHref(url) {
    try {
      var u = new URL(url, location.href);
      return (u.protocol === "https:" || u.protocol === "http:") ? u.href : null;
    } catch (e) { return null; }
  }

  // Phone numbers and e-mail addresses the reply's own data names become tappable links.
  function knownContacts(custom) {
    var found = [{ text: "999", href: "tel:999" }];
    var lists = [custom && custom.crisis_lines, custom && custom.contacts, config && [config.spa, config.sendiass]];
    lists.forEach(function (list) {
      (list || []).forEach(function (c) {
        if (!c) return;
        [c.phone, c.out_of_hours_phone].forEach(function (p) {
          if (p) found.push({ text: String(p), href: "tel:" + String(p).replace(/[^0-9+]/g, "") });
        });
        if (c.email) found.push({ text: String(c.email), href: "mailto:" + String(c.email) });
      });
    });
    found.sort(function (a, b) { return b.text.length - a.text.length; });
    return found;
  }

  function escapeRegExp(s) { return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }

  function linkified(text, contacts) {
    var frag = document.createDocumentFragment();
    var pattern = contacts.map(function (c) { return escapeRegExp(c.text); }).join("|");
    var re = new RegExp("(^|[^0-9A-Za-z@.])(" + pattern + ")(?![0-9A-Za-z])", "g");
    var last = 0, m;
    while ((m = re.exec(text)) !== null) {
      var start = m.index + m[1].length;
      frag.appendChild(document.createTextNode(text.slice(last, start)));
      var hit = contacts.filter(function (c) { return c.text === m[2]; })[0];
      frag.appendChild(el("a", { href: hit.href, className: "lo-contact-link", text: m[2] }));
      last = start + m[2].length;
    }
    frag.appendChild(document.createTextNode(text.slice(last)));
    return frag;
  }

  // Bot text: paragraphs, and "- " lines as a bulleted list. Text only, never HTML.
  function richText(text, custom) {
    var box = el("div", { className: "lo-text" });
    var contacts = knownContacts(custom);
    var list = null, para = null;
    String(text || "").split("\n").forEach(function (line) {
      if (/^\s*[-•]\s+/.test(line)) {
        para = null;
        if (!list) { list = el("ul"); box.appendChild(list); }
        var li = el("li");
        li.appendChild(linkified(line.replace(/^\s*[-•]\s+/, ""), contacts));
        list.appendChild(li);
      } else if (!line.trim()) {
        list = null; para = null;
      } else {
        list = null;
        if (!para) { para = el("p"); box.appendChild(para); } else { para.appendChild(el("br")); }
        para.appendChild(linkified(line, contacts));
      }
    });
    return box;
  }

  // ----- building the widget ----------------------------------------------------------------

  var host = el("div", { id: "local-offer-assistant", "data-position": opts.position });
  host.style.setProperty("--lo-accent", colours.accent);
  host.style.setProperty("--lo-accent-text", colours.text);
  var root = host.attachShadow({ mode: "open" });
  var wrapper = el("div", { className: "lo-root lo-" + opts.position, hidden: true });
  var stylesheet = el("link", { rel: "stylesheet", href: new URL("widget.css", base).href });
  stylesheet.addEventListener("load", function () { wrapper.hidden = false; reserveSpace(); });
  stylesheet.addEventListener("error", function () { wrapper.hidden = false; });
  root.appendChild(stylesheet);
  root.appendChild(wrapper);

  var launcher = el("button", {
    type: "button", className: "lo-launcher", "aria-expanded": "false", "aria-controls": "lo-panel",
    onclick: function () { openPanel(true); }
  }, [el("span", { className: "lo-launcher-icon", "aria-hidden": "true", text: "?" }), el("span", { text: opts.title })]);

  var announcer = el("div", { className: "lo-vh", "aria-live": "polite", "aria-atomic": "true" });

  var councilLine = el("p", { className: "lo-council", text: opts.councilName });
  var closeButton = el("button", {
    type: "button", className: "lo-icon-button lo-close", "aria-label": "Close the assistant",
    onclick: function () { closePanel(true); }
  }, [el("span", { "aria-hidden": "true", text: "×" })]);
  var exitButton = el("button", {
    type: "button", className: "lo-exit", onclick: exitPage
  }, ["Exit this page"]);
  var clearButton = el("button", {
    type: "button", className: "lo-link-button", onclick: clearConversation
  }, ["Clear conversation"]);

  var tabChat = el("button", {
    type: "button", role: "tab", id: "lo-tab-chat", "aria-controls": "lo-panel-chat", className: "lo-tab"
  }, ["Chat"]);
  var tabLookup = el("button", {
    type: "button", role: "tab", id: "lo-tab-lookup", "aria-controls": "lo-panel-lookup", className: "lo-tab"
  }, ["Look something up"]);
  var tablist = el("div", { role: "tablist", "aria-label": "What would you like to do?", className: "lo-tabs" },
    [tabChat, tabLookup]);

  // chat tab
  var transcript = el("div", {
    role: "log", "aria-live": "off", "aria-label": "Conversation", tabindex: "0", className: "lo-log"
  });
  var typing = el("p", { className: "lo-typing", hidden: true, "aria-hidden": "true" }, ["The assistant is writing…"]);
  var inputLabel = el("label", { "for": "lo-input", className: "lo-label", text: "Type your question" });
  var input = el("textarea", {
    id: "lo-input", rows: "2", maxlength: String(MAX_CHARS), autocomplete: "off",
    "aria-describedby": "lo-hint", className: "lo-input"
  });
  var errorText = el("p", { id: "lo-error", className: "lo-error", hidden: true });
  var hint = el("p", { id: "lo-hint", className: "lo-hint" },
    ["Please don't type your child's name here. A person only sees this conversation if you ask to be contacted."]);
  var sendButton = el("button", { type: "submit", className: "lo-send" }, ["Send"]);
  var composer = el("form", { className: "lo-composer", novalidate: true }, [
    inputLabel, errorText, el("div", { className: "lo-row" }, [input, sendButton]), hint
  ]);
  var chatPanel = el("div", {
    role: "tabpanel", id: "lo-panel-chat", "aria-labelledby": "lo-tab-chat", className: "lo-tabpanel"
  }, [transcript, typing, composer]);

  // lookup tab
  var lookupInput = el("input", { id: "lo-q", type: "search", className: "lo-input", autocomplete: "off", maxlength: "500" });
  var lookupForm = el("form", { role: "search", className: "lo-lookup-form", novalidate: true }, [
    el("label", { "for": "lo-q", className: "lo-label", id: "lo-q-label" }, ["Search the council's documents and the glossary"]),
    el("div", { className: "lo-row" }, [lookupInput, el("button", { type: "submit", className: "lo-send" }, ["Search"])])
  ]);
  var lookupStatus = el("p", { role: "status", className: "lo-status" });
  var lookupResults = el("div", { className: "lo-results" });
  var lookupPanel = el("div", {
    role: "tabpanel", id: "lo-panel-lookup", "aria-labelledby": "lo-tab-lookup", className: "lo-tabpanel", hidden: true
  }, [lookupForm, lookupStatus, lookupResults]);

  var title = el("h2", { id: "lo-title", className: "lo-title", text: opts.title });
  var panel = el("div", {
    id: "lo-panel", role: "dialog", "aria-modal": "false", "aria-labelledby": "lo-title", className: "lo-panel", hidden: true
  }, [
    el("div", { className: "lo-header" }, [
      el("div", { className: "lo-heading" }, [title, councilLine]),
      el("div", { className: "lo-actions" }, [exitButton, closeButton])
    ]),
    el("div", { className: "lo-subheader" }, [tablist, clearButton]),
    chatPanel, lookupPanel
  ]);

  wrapper.appendChild(launcher);
  wrapper.appendChild(panel);
  wrapper.appendChild(announcer);

  // ----- announcing -------------------------------------------------------------------------

  var announceTimer = null;
  function announce(text) {
    announcer.textContent = "";
    clearTimeout(announceTimer);
    announceTimer = setTimeout(function () { announcer.textContent = text; }, 100);
  }

  // ----- rendering the transcript -----------------------------------------------------------

  function renderSources(sources) {
    if (!sources || !sources.length) return null;
    var list = el("ul", { className: "lo-source-list" });
    var seen = {};
    sources.forEach(function (s) {
      var key = (s.url || "") + "|" + (s.title || "");
      if (seen[key]) return; // several passages of one document: one line
      seen[key] = true;
      var href = s.url && safeHref(s.url);
      var name = s.title || "Untitled document";
      var bits = [s.council, s.updated ? "updated " + formatDate(s.updated) : null].filter(Boolean).join(", ");
      list.appendChild(el("li", null, [
        href ? el("a", { href: href, text: name }) : el("span", { className: "lo-source-title", text: name }),
        bits ? el("span", { className: "lo-source-meta", text: " (" + bits + ")" }) : null
      ]));
    });
    return el("div", { className: "lo-sources" }, [el("p", { className: "lo-sources-label", text: "Where this comes from:" }), list]);
  }

  function renderMessage(msg) {
    var custom = msg.custom || {};
    if (msg.from === "user") {
      return el("div", { className: "lo-msg lo-user" + (msg.failed ? " lo-failed" : "") }, [
        vh("You said: "), el("p", { className: "lo-text", text: msg.text }),
        msg.failed ? el("p", { className: "lo-not-sent", text: "Not sent yet" }) : null
      ]);
    }
    if (msg.from === "system") {
      return renderUnavailable(msg);
    }
    var box = el("div", { className: "lo-msg lo-bot" + (custom.status === "handed_off" ? " lo-handoff" : "") });
    box.appendChild(vh("Assistant said: "));
    if (custom.status === "handed_off") {
      box.appendChild(el("p", { className: "lo-handoff-title", text: custom.handoff && custom.handoff.tier === "crisis"
        ? "Please talk to someone now" : "A person can help with this" }));
    }
    box.appendChild(richText(msg.text, custom));
    if (custom.status === "referral_submitted" && custom.reference) {
      box.appendChild(el("p", { className: "lo-reference" }, ["Your reference: ", el("strong", { text: custom.reference })]));
    }
    var sources = renderSources(custom.sources);
    if (sources) box.appendChild(sources);
    return box;
  }

  function contactLine(contact) {
    if (!contact) return null;
    var bits = [contact.name || "The council's SEND team"];
    var p = el("li", null, [bits[0] + ": "]);
    if (contact.phone) {
      p.appendChild(el("a", { href: "tel:" + contact.phone.replace(/[^0-9+]/g, ""), text: contact.phone }));
    }
    if (contact.phone && contact.email) p.appendChild(document.createTextNode(", "));
    if (contact.email) p.appendChild(el("a", { href: "mailto:" + contact.email, text: contact.email }));
    return p;
  }

  function fallbackContact() {
    var spa = (config && config.spa) || {};
    return {
      name: spa.name || "The council's SEND Single Point of Access",
      phone: opts.spaPhone || spa.phone || "", email: opts.spaEmail || spa.email || ""
    };
  }

  function renderUnavailable(msg) {
    var fallback = opts.fallbackUrl || (config && config.local_offer_url);
    var href = fallback && safeHref(fallback);
    var box = el("div", { className: "lo-msg lo-bot lo-unavailable" }, [
      vh("Assistant said: "),
      el("p", { className: "lo-handoff-title", text: msg.text }),
      el("p", { text: "You can try again, or contact a person:" }),
      el("ul", { className: "lo-contact-list" }, [contactLine(fallbackContact())]),
      el("p", null, ["If a child is in danger now, call ", el("a", { href: "tel:999", text: "999" }), "."]),
      href ? el("p", null, [el("a", { href: href, text: "Read the council's SEND pages" })]) : null
    ]);
    if (msg.retry) {
      box.appendChild(el("button", { type: "button", className: "lo-quick-button", onclick: retry }, ["Try again"]));
    }
    return box;
  }

  function renderButtons(msg) {
    var buttons = msg.buttons || [];
    if (!buttons.length) return null;
    var group = el("div", { className: "lo-quick", role: "group", "aria-label": "Suggested replies" });
    buttons.forEach(function (b) {
      group.appendChild(el("button", {
        type: "button", className: "lo-quick-button",
        onclick: function () { send(b.payload || b.title, b.title); }
      }, [b.title]));
    });
    return group;
  }

  // firstNew: the index of the first message of a new reply, scrolled to the top of the log so
  // that the parent reads a long answer from its start.
  function renderTranscript(firstNew) {
    var hadFocus = !!root.activeElement;
    var anchor = null;
    transcript.textContent = "";
    if (!state.messages.length) {
      transcript.appendChild(el("div", { className: "lo-msg lo-bot lo-welcome" }, [
        vh("Assistant said: "),
        el("p", { text: "Hello. I can help you find information in " + (opts.councilName || "the council") +
          "'s local offer about support for children and young people with special educational needs and " +
          "disabilities (SEND). What would you like to know?" }),
        el("p", { className: "lo-small", text: "I only answer from the council's published documents and show where each answer comes from. I am not a person." })
      ]));
    }
    state.messages.forEach(function (m, i) {
      var node = renderMessage(m);
      if (i === firstNew) anchor = node;
      transcript.appendChild(node);
    });
    var last = state.messages[state.messages.length - 1];
    if (last && last.from === "bot") {
      var buttons = renderButtons(last);
      if (buttons) transcript.appendChild(buttons);
    }
    updateComposer();
    transcript.scrollTop = anchor ? Math.max(0, anchor.offsetTop - 8) : transcript.scrollHeight;
    if (hadFocus && !root.activeElement && !panel.hidden) input.focus(); // what held focus was replaced
  }

  // The latest turn's replies (everything after the parent's last message) set the message box:
  // its label and hints from `custom.input`, and an error from a re-ask (`custom.invalid`).
  function latestTurn() {
    var turn = [];
    for (var i = state.messages.length - 1; i >= 0 && state.messages[i].from !== "user"; i--) {
      if (state.messages[i].from === "bot") turn.unshift(state.messages[i]);
    }
    return turn;
  }

  // An error message tied to the message box (WCAG 3.3.1): shown, announced with the box.
  function showError(message) {
    errorText.hidden = false;
    errorText.textContent = "";
    errorText.appendChild(vh("Error: "));
    errorText.appendChild(document.createTextNode(message));
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-describedby", "lo-error lo-hint");
  }

  function updateComposer() {
    var turn = latestTurn();
    var hintData = null, invalid = null;
    turn.forEach(function (m) {
      var custom = m.custom || {};
      if (custom.input) hintData = custom.input;
      if (custom.invalid) invalid = m;
    });
    inputLabel.textContent = hintData && hintData.label ? hintData.label : "Type your question";
    input.setAttribute("autocomplete", (hintData && hintData.autocomplete) || "off");
    input.setAttribute("inputmode", (hintData && hintData.inputmode) || "text");
    if (invalid) {
      showError(invalid.text);
    } else {
      errorText.hidden = true;
      input.removeAttribute("aria-invalid");
      input.setAttribute("aria-describedby", "lo-hint");
    }
  }

  // ----- talking to the gateway -------------------------------------------------------------

  var busy = false;
  var slowTimer = null;

  function setBusy(on) {
    busy = on;
    transcript.setAttribute("aria-busy", on ? "true" : "false");
    sendButton.disabled = on;
    clearTimeout(slowTimer);
    typing.hidden = !on;
    typing.textContent = "The assistant is writing…";
    if (on) {
      slowTimer = setTimeout(function () {
        typing.textContent = "This is taking longer than usual. Still trying…";
        announce("This is taking longer than usual. Still trying.");
      }, SLOW_MS);
    }
  }

  function post(path, body, keepalive) {
    var controller = window.AbortController ? new AbortController() : null;
    var timer = controller ? setTimeout(function () { controller.abort(); }, TIMEOUT_MS) : null;
    return fetch(origin + path, {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
      credentials: "omit", mode: "cors", cache: "no-store", keepalive: !!keepalive,
      signal: controller ? controller.signal : undefined
    }).finally(function () { clearTimeout(timer); });
  }

  function send(payload, shown) {
    if (busy) return;
    var text = String(payload || "").trim();
    if (!text) {
      showError("Please type a message first.");
      input.focus();
      return;
    }
    if (text.length > MAX_CHARS) text = text.slice(0, MAX_CHARS);
    state.messages = state.messages.filter(function (m) { return !(m.from === "system" && m.retry); });
    state.messages.forEach(function (m) { m.failed = false; });
    state.messages.push({ from: "user", text: shown || text });
    state.pending = { payload: text, shown: shown || text };
    save();
    renderTranscript();
    deliver();
  }

  function retry() {
    if (!state.pending || busy) return;
    state.messages = state.messages.filter(function (m) { return !(m.from === "system" && m.retry); });
    state.messages.forEach(function (m) { m.failed = false; });
    save();
    renderTranscript();
    deliver();
  }

  function deliver() {
    var pending = state.pending;
    setBusy(true);
    post("/api/chat", { session_id: state.sessionId, message: pending.payload })
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (data) {
          return { status: response.status, data: data, retryAfter: response.headers.get("Retry-After") };
        });
      })
      .then(function (result) {
        setBusy(false);
        var data = result.data || {};
        if (data.session_id) state.sessionId = data.session_id;
        if (result.status === 200 && Array.isArray(data.messages)) {
          state.pending = null;
          received(data.messages);
          return;
        }
        if (result.status === 429 || result.status === 413 || result.status === 422) {
          state.pending = null;
          state.messages.push({ from: "bot", text: data.detail || "Sorry, that message couldn't be sent.", custom: { status: "rejected" } });
          save();
          renderTranscript();
          announce("Assistant: " + (data.detail || ""));
          return;
        }
        failed("Sorry, the assistant isn't available just now.");
      })
      .catch(function () {
        setBusy(false);
        failed("Sorry, the assistant can't be reached just now.");
      });
  }

  function failed(text) {
    var last = state.messages[state.messages.length - 1];
    if (last && last.from === "user") last.failed = true;
    state.messages.push({ from: "system", text: text, retry: true });
    save();
    renderTranscript();
    announce(text + " You can try again, or contact a person.");
  }

  function received(messages) {
    var spoken = [];
    var firstNew = state.messages.length;
    var deleted = false;
    messages.forEach(function (m) {
      var custom = m.custom || {};
      if (custom.delete_conversation) deleted = true;
      state.messages.push({ from: "bot", text: m.text || "", buttons: m.buttons || [], custom: custom });
      spoken.push(m.text || "");
    });
    if (deleted) {
      var keep = state.messages.slice(-messages.length);
      forget();
      state.open = true;
      state.messages = keep.map(function (m) { m.buttons = []; return m; });
      firstNew = 0;
    }
    save();
    renderTranscript(firstNew);
    var handoff = messages.some(function (m) { return m.custom && m.custom.status === "handed_off"; });
    announce((handoff ? "Important. " : "") + "Assistant: " + spoken.join(" "));
  }

  // ----- the lookup tab ---------------------------------------------------------------------

  var glossaryCache = null;

  function getJson(path) {
    return fetch(origin + path, { credentials: "omit", mode: "cors" }).then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.json();
    });
  }

  function glossaryMatches(query) {
    var q = query.toLowerCase().replace(/[^a-z0-9 ]/g, " ").trim();
    if (!q) return Promise.resolve([]);
    var ready = glossaryCache ? Promise.resolve(glossaryCache) : getJson("/api/glossary").then(function (g) { glossaryCache = g; return g; });
    return ready.then(function (terms) {
      var words = q.split(/\s+/);
      return terms.filter(function (t) {
        var term = String(t.term || "").toLowerCase();
        var expansion = String(t.expansion || "").toLowerCase();
        return words.indexOf(term) >= 0 || q === term || (expansion && (expansion === q || q.indexOf(expansion) >= 0));
      }).slice(0, 3);
    }).catch(function () { return []; });
  }

  function lookup(query) {
    query = String(query || "").trim();
    lookupResults.textContent = "";
    if (!query) {
      lookupStatus.textContent = "Please type what you're looking for.";
      lookupInput.setAttribute("aria-invalid", "true");
      lookupInput.focus();
      return;
    }
    lookupInput.removeAttribute("aria-invalid");
    lookupStatus.textContent = "Searching…";
    var params = "q=" + encodeURIComponent(query.slice(0, 500)) + "&k=6" +
      (opts.council ? "&council=" + encodeURIComponent(opts.council) : "");
    Promise.all([getJson("/api/search?" + params), glossaryMatches(query)]).then(function (both) {
      var search = both[0], terms = both[1];
      var results = search.results || [];
      if (terms.length) {
        var gl = el("ul", { className: "lo-result-list" });
        terms.forEach(function (t) {
          gl.appendChild(el("li", { className: "lo-result" }, [
            el("p", { className: "lo-result-title", text: t.term + (t.expansion ? " (" + t.expansion + ")" : "") }),
            el("p", { text: t.definition }),
            el("p", { className: "lo-source-meta", text: "From the assistant's glossary, not a council document." })
          ]));
        });
        lookupResults.appendChild(el("h3", { className: "lo-results-heading", text: "Glossary" }));
        lookupResults.appendChild(gl);
      }
      if (results.length) {
        lookupResults.appendChild(el("h3", { className: "lo-results-heading", text: "From the council's documents" }));
        if (!search.answerable) {
          lookupResults.appendChild(el("p", { className: "lo-small", text: "These passages may not answer your question exactly." }));
        }
        var list = el("ol", { className: "lo-result-list" });
        results.forEach(function (r) {
          var s = r.source || {};
          var href = s.url && safeHref(s.url);
          var snippet = String(r.text || "");
          if (snippet.length > 420) snippet = snippet.slice(0, 400).replace(/\s+\S*$/, "") + "…";
          list.appendChild(el("li", { className: "lo-result" }, [
            el("p", { className: "lo-result-title" }, [href ? el("a", { href: href, text: s.title || "Document" }) : (s.title || "Document")]),
            el("p", { text: snippet }),
            el("p", { className: "lo-source-meta", text: [s.council, s.section, s.updated ? "updated " + formatDate(s.updated) : null].filter(Boolean).join(" · ") })
          ]));
        });
        lookupResults.appendChild(list);
      }
      var n = results.length + terms.length;
      lookupStatus.textContent = n ? n + (n === 1 ? " result" : " results") + " for \u201c" + query + "\u201d."
        : "Nothing found for \u201c" + query + "\u201d. Try other words, or ask in the chat.";
    }).catch(function () {
      lookupStatus.textContent = "Sorry, search isn't available just now. Please try again in a minute.";
    });
  }

  // ----- panel, tabs, exit ------------------------------------------------------------------

  function selectTab(name, focus) {
    var chat = name !== "lookup";
    state.tab = chat ? "chat" : "lookup";
    tabChat.setAttribute("aria-selected", String(chat));
    tabLookup.setAttribute("aria-selected", String(!chat));
    tabChat.tabIndex = chat ? 0 : -1;
    tabLookup.tabIndex = chat ? -1 : 0;
    chatPanel.hidden = !chat;
    lookupPanel.hidden = chat;
    save();
    if (focus) (chat ? tabChat : tabLookup).focus();
  }

  function setOpen(open, moveFocus) {
    panel.hidden = !open;
    launcher.hidden = open;
    launcher.setAttribute("aria-expanded", String(open));
    state.open = open;
    save();
    if (open) {
      renderTranscript();
      fetchConfig();
    }
    reserveSpace();
    if (moveFocus) (open ? (state.tab === "lookup" ? lookupInput : input) : launcher).focus();
  }

  function openPanel(moveFocus) { setOpen(true, moveFocus); }

  function closePanel(moveFocus) { setOpen(false, moveFocus); }

  // Asks the gateway to delete the conversation from Rasa's tracker store; survives navigation.
  function forgetOnServer(sessionId) {
    if (sessionId) post("/api/chat", { session_id: sessionId, message: "/delete_conversation" }, true).catch(function () {});
  }

  function clearConversation() {
    forgetOnServer(state.sessionId);
    var tab = state.tab;
    forget();
    state.open = true;
    state.tab = tab;
    save();
    renderTranscript();
    announce("The conversation has been cleared.");
    input.focus();
  }

  function exitPage() {
    forgetOnServer(state.sessionId);
    forget();
    transcript.textContent = "";
    host.hidden = true;
    var target = safeHref(opts.exitUrl) || "https://www.bbc.co.uk/weather";
    window.location.replace(target);
  }

  // Focus must never be hidden behind the widget (WCAG 2.4.11): the page gets room at its foot for
  // the launcher or panel, and a focused page element under the widget is scrolled clear of it.
  // If it cannot be (a full-screen panel on a small screen), the panel closes.
  var originalPadding = null;
  function widgetRect() {
    var box = panel.hidden ? launcher : panel;
    return box.getBoundingClientRect();
  }

  function reserveSpace() {
    var body = document.body;
    if (!body) return;
    if (originalPadding === null) originalPadding = parseFloat(getComputedStyle(body).paddingBottom) || 0;
    var rect = widgetRect();
    var needed = rect.height ? Math.min(rect.height + 32, window.innerHeight) : 0;
    body.style.paddingBottom = (originalPadding + needed) + "px";
    document.documentElement.style.scrollPaddingBottom = needed + "px";
  }

  function covered(target) {
    var r = target.getBoundingClientRect();
    var w = widgetRect();
    if (!w.width || !r.width) return false;
    return r.left >= w.left && r.right <= w.right && r.top >= w.top && r.bottom <= w.bottom ||
      !(r.right <= w.left || r.left >= w.right || r.bottom <= w.top || r.top >= w.bottom) &&
      Math.min(r.bottom, w.bottom) - Math.max(r.top, w.top) >= r.height * 0.5 &&
      Math.min(r.right, w.right) - Math.max(r.left, w.left) >= r.width * 0.5;
  }

  document.addEventListener("focusin", function (event) {
    var target = event.target;
    if (!target || target === host || !target.getBoundingClientRect || !covered(target)) return;
    var w = widgetRect();
    var r = target.getBoundingClientRect();
    window.scrollBy(0, r.bottom - w.top + 16);
    if (covered(target) && !panel.hidden) closePanel(false);
  });
  window.addEventListener("resize", function () { reserveSpace(); });

  // ----- events -----------------------------------------------------------------------------

  composer.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value;
    if (!text.trim()) { send(""); return; }
    input.value = "";
    send(text);
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      composer.requestSubmit ? composer.requestSubmit() : composer.dispatchEvent(new Event("submit"));
    }
  });
  lookupForm.addEventListener("submit", function (event) {
    event.preventDefault();
    lookup(lookupInput.value);
  });
  [tabChat, tabLookup].forEach(function (tab) {
    tab.addEventListener("click", function () { selectTab(tab === tabChat ? "chat" : "lookup", false); });
    tab.addEventListener("keydown", function (event) {
      if (["ArrowLeft", "ArrowRight", "Home", "End"].indexOf(event.key) < 0) return;
      event.preventDefault();
      var next = event.key === "Home" ? "chat" : event.key === "End" ? "lookup" : (tab === tabChat ? "lookup" : "chat");
      selectTab(next, true);
    });
  });
  panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { event.stopPropagation(); closePanel(true); }
  });

  function fetchConfig() {
    if (config) return;
    getJson("/api/widget-config").then(function (c) {
      config = c;
      if (!opts.councilName) {
        opts.councilName = c.council_name;
        councilLine.textContent = c.council_name;
        lookupForm.querySelector("label").textContent = "Search " + c.council_name + "'s documents and the glossary";
        if (!state.messages.length) renderTranscript();
      }
    }).catch(function () { /* the fallback contacts come from the script tag, if any */ });
  }

  function start() {
    document.body.appendChild(host);
    selectTab(state.tab, false);
    if (state.open) openPanel(false); else { renderTranscript(); reserveSpace(); }
    if (state.pending && !state.messages.some(function (m) { return m.from === "system"; })) {
      failed("Your last message may not have been sent.");
    }
  }

  window.LocalOfferAssistant = {
    open: function () { openPanel(true); },
    close: function () { closePanel(true); },
    contrastRatio: contrastRatio,
    coloursRefused: colours.refused
  };
  if (document.body) start(); else document.addEventListener("DOMContentLoaded", start);
})();
