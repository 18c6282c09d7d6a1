// Live chat. The page works without this script (send, reply and react by form; reload to read); with it the
// room is live: messages arrive as they are sent, sending keeps the page, and a dropped connection reconnects
// and asks for exactly the messages it missed (by number), so nothing is lost or shown twice.
(function () {
  "use strict";
  var chat = document.getElementById("chat");
  if (!chat || chat.getAttribute("data-live") !== "true" || !window.WebSocket) return;
  if (window.hearthChat) window.hearthChat.stop(); // the page was redrawn in place (see quick-exit.js)

  var log = document.getElementById("chat-log");
  var statusLine = document.getElementById("chat-status");
  var presenceLine = document.getElementById("chat-presence");
  var typingLine = document.getElementById("chat-typing");
  var form = document.getElementById("chat-form");
  var helpBox = document.getElementById("chat-help");
  var csrf = document.querySelector("input[name=csrfmiddlewaretoken]");
  var roomUrl = chat.getAttribute("data-react-url").replace(/messages\/$/, "");
  var reactionLabels = { hug: "Hug", me_too: "Me too", thinking_of_you: "Thinking of you", helpful: "Helpful" };

  var socket = null;
  var stopped = false;
  var retries = 0;
  var lastSeq = 0;
  var pending = {}; // client_id -> {body, replyTo}: sent, not yet acknowledged
  var typingTimer = null;
  var lastTyping = 0;
  var pingTimer = null;

  Array.prototype.forEach.call(log.querySelectorAll(":scope > li[data-seq]"), function (li) {
    lastSeq = Math.max(lastSeq, parseInt(li.getAttribute("data-seq"), 10) || 0);
  });

  function setStatus(text) { statusLine.textContent = text; }

  // The page-wide "live updates are paused" banner (notify.js keeps it).
  function livePaused(isPaused) { if (window.hearthLive) window.hearthLive.paused("chat", isPaused); }
  var PAUSED = 4503; // the server closes with this while live updates are unavailable

  function newClientId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID().replace(/-/g, "");
    return String(Date.now()) + Math.random().toString(16).slice(2, 10);
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function hidden(text) { return el("span", "visually-hidden", text); }

  function timeOf(iso) {
    var d = new Date(iso);
    return ("0" + d.getHours()).slice(-2) + ":" + ("0" + d.getMinutes()).slice(-2);
  }

  function render(m) {
    var li = el("li", "chat-message" + (m.mine ? " mine" : "") + (m.status !== "published" ? " held" : ""));
    li.id = "m-" + m.seq;
    li.setAttribute("data-seq", m.seq);
    var meta = el("p", "meta");
    meta.appendChild(el("strong", "chat-author", m.author));
    meta.appendChild(document.createTextNode(" "));
    var time = el("time", "", timeOf(m.created_at));
    time.setAttribute("datetime", m.created_at);
    meta.appendChild(time);
    if (m.status === "held") { meta.appendChild(document.createTextNode(" · ")); meta.appendChild(el("span", "badge", "Waiting for a moderator")); }
    if (m.status === "hidden") { meta.appendChild(document.createTextNode(" · ")); meta.appendChild(el("span", "badge", "Hidden by a moderator")); }
    li.appendChild(meta);
    if (m.reply_to) {
      li.appendChild(el("p", "chat-quote", m.reply_to.author
        ? "Replying to " + m.reply_to.author + ": \u201c" + m.reply_to.excerpt + "\u201d"
        : "Replying to a message that was removed"));
    }
    var body = el("div", "post-body");
    body.innerHTML = m.body_html; // sanitised on the server when the message was stored
    if (m.topics && m.topics.length) {
      var details = el("details", "cw");
      details.appendChild(el("summary", "", "Content warning: " + m.topics.join(", ")));
      details.appendChild(body);
      li.appendChild(details);
    } else {
      li.appendChild(body);
    }
    (m.label_resources || []).forEach(function (label) {
      var aside = el("aside", "label-box");
      aside.setAttribute("aria-label", "Health information note");
      var p = el("p");
      p.appendChild(el("strong", "", "Careful: "));
      p.appendChild(document.createTextNode(label.summary + " Read "));
      var a = el("a", "", label.title);
      a.href = label.url; a.rel = "noopener noreferrer";
      p.appendChild(a); p.appendChild(document.createTextNode("."));
      aside.appendChild(p); li.appendChild(aside);
    });
    if (m.moderator_note) li.appendChild(el("p", "meta", "Moderator's note: " + m.moderator_note));
    if (m.status === "published") li.appendChild(actions(m));
    if (!m.mine && m.status === "published") {
      var report = el("a", "chat-report", "Report");
      report.href = roomUrl + "messages/" + m.seq + "/report/";
      report.appendChild(hidden(" " + m.author + "'s message"));
      li.appendChild(report);
    }
    if (m.mine) {
      var del = el("form", "inline");
      del.method = "post"; del.action = roomUrl + "messages/" + m.seq + "/delete/";
      del.appendChild(csrfInput());
      var delButton = el("button", "link-button", "Delete");
      delButton.type = "submit";
      delButton.appendChild(hidden(" your message"));
      del.appendChild(delButton);
      li.appendChild(del);
    }
    return li;
  }

  function csrfInput() {
    var input = document.createElement("input");
    input.type = "hidden"; input.name = "csrfmiddlewaretoken"; input.value = csrf ? csrf.value : "";
    return input;
  }

  function actions(m) {
    var f = el("form", "chat-actions");
    f.method = "post"; f.action = roomUrl + "messages/" + m.seq + "/react/";
    f.appendChild(csrfInput());
    var reply = el("a", "chat-reply", "Reply");
    reply.href = roomUrl + "?reply_to=" + m.seq + "#id_body";
    reply.setAttribute("data-seq", m.seq);
    reply.appendChild(hidden(" to " + m.author));
    f.appendChild(reply);
    Object.keys(reactionLabels).forEach(function (kind) {
      var b = el("button", "reaction", reactionLabels[kind]);
      b.type = "submit"; b.name = "kind"; b.value = kind;
      var count = (m.reactions || {})[kind];
      if (count) { b.appendChild(document.createTextNode(" ")); b.appendChild(el("span", "count", String(count))); }
      b.appendChild(hidden(" for " + m.author + "'s message"));
      f.appendChild(b);
    });
    return f;
  }

  function place(m, fromHistory) {
    var existing = document.getElementById("m-" + m.seq);
    var li = render(m);
    if (existing) { existing.replaceWith(li); return; }
    var empty = document.getElementById("chat-empty");
    if (empty) empty.remove();
    // Keep number order even when an approved message arrives late.
    var after = null;
    var items = log.querySelectorAll(":scope > li[data-seq]");
    for (var i = items.length - 1; i >= 0; i--) {
      if (parseInt(items[i].getAttribute("data-seq"), 10) < m.seq) { after = items[i]; break; }
    }
    if (after) after.after(li); else log.prepend(li);
    if (!fromHistory && m.seq > lastSeq + 1) noticeGap(lastSeq, m.seq);
    lastSeq = Math.max(lastSeq, m.seq);
    if (m.mine) li.scrollIntoView({ block: "nearest" });
  }

  // Numbers skip for messages this person may not see, but a skip can also be a message still on its way from
  // another server, or one dropped for a slow connection: if a skipped number is still missing after a moment,
  // ask for everything after it. In a busy room served by several processes some message is nearly always a
  // little late, so only the numbers skipped when the wait began count, not a gap that opened since.
  // What comes back that is already shown replaces itself.
  var waitingFor = null; // [from, to]: the numbers from + 1 to to - 1, skipped when the wait began
  var seenSince = null; // gaps noticed during the wait
  var gapTimer = null;
  function noticeGap(from, to) {
    if (gapTimer) {
      seenSince = seenSince ? [Math.min(seenSince[0], from), Math.max(seenSince[1], to)] : [from, to];
      return;
    }
    waitingFor = [from, to];
    gapTimer = setTimeout(checkGap, 1500);
  }

  function checkGap() {
    gapTimer = null;
    var first = firstMissing(waitingFor[0], waitingFor[1]);
    var next = seenSince;
    waitingFor = null;
    seenSince = null;
    if (first !== null) {
      // Everything after it comes back, later gaps included.
      if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: "sync", after: first - 1 }));
    } else if (next && firstMissing(next[0], next[1]) !== null) {
      noticeGap(next[0], next[1]); // a later gap gets a wait of its own
    }
  }

  function firstMissing(from, to) {
    if (to - from > 200) return from + 1; // a long run: ask, rather than look for each
    for (var n = from + 1; n < to; n++) if (!skipped[n] && !document.getElementById("m-" + n)) return n;
    return null;
  }

  // A number this person will not see (held for a moderator, or by someone they blocked): nothing to wait for.
  var skipped = {};
  function skip(seq) {
    skipped[seq] = true;
    if (seq > lastSeq + 1) noticeGap(lastSeq, seq);
    lastSeq = Math.max(lastSeq, seq);
  }

  function remove(seq) {
    var li = document.getElementById("m-" + seq);
    if (li) li.remove();
  }

  function updateReactions(frame) {
    var li = document.getElementById("m-" + frame.seq);
    if (!li) return;
    Array.prototype.forEach.call(li.querySelectorAll("button.reaction"), function (b) {
      var old = b.querySelector(".count");
      if (old) { old.previousSibling && old.previousSibling.nodeType === 3 && old.previousSibling.remove(); old.remove(); }
      var count = frame.counts[b.value];
      if (count) {
        var label = b.firstChild;
        label.after(document.createTextNode(" "), el("span", "count", String(count)));
      }
      if (frame.yours && frame.yours.kind === b.value) b.setAttribute("aria-pressed", frame.yours.added ? "true" : "false");
    });
  }

  function showError(text) {
    var box = form.querySelector(".form-error");
    if (!box) { box = el("div", "form-error"); box.setAttribute("role", "alert"); form.prepend(box); }
    box.textContent = text;
  }

  function clearFormNotes() {
    var box = form.querySelector(".form-error");
    if (box) box.remove();
    document.getElementById("chat-nudge").textContent = "";
  }

  function showNudge(frame, sent) {
    var holder = document.getElementById("chat-nudge");
    holder.textContent = "";
    var box = el("div", "nudge"); box.setAttribute("role", "alert"); box.id = "nudge";
    box.appendChild(el("p", "", "")).appendChild(el("strong", "", "Before you send"));
    box.appendChild(el("p", "", frame.detail));
    var row = el("div", "actions");
    if (frame.redacted_text) {
      var redact = el("button", "", "Remove them for me and send");
      redact.type = "button";
      redact.addEventListener("click", function () { send(sent.body, sent.replyTo, { redact: true, clientId: frame.client_id }); });
      row.appendChild(redact);
    }
    var anyway = el("button", "secondary", "Send as it is");
    anyway.type = "button";
    anyway.addEventListener("click", function () { send(sent.body, sent.replyTo, { acknowledge: frame.nudges, clientId: frame.client_id }); });
    row.appendChild(anyway);
    box.appendChild(row);
    box.appendChild(el("p", "help", "Or change your words above and send again."));
    holder.appendChild(box);
  }

  function replyTarget() {
    var input = form.querySelector("input[name=reply_to]");
    return input && input.value ? parseInt(input.value, 10) : null;
  }

  function setReply(seq) {
    var input = form.querySelector("input[name=reply_to]");
    var note = document.getElementById("chat-replying");
    input.value = seq || "";
    note.textContent = "";
    if (!seq) { note.hidden = true; return; }
    var li = document.getElementById("m-" + seq);
    var author = li ? li.querySelector(".chat-author").textContent : "";
    note.appendChild(document.createTextNode("Replying to " + author + " "));
    var cancel = el("button", "link-button", "Cancel reply");
    cancel.type = "button";
    cancel.addEventListener("click", function () { setReply(null); form.querySelector("textarea").focus(); });
    note.appendChild(cancel);
    note.hidden = false;
  }

  function send(body, replyTo, options) {
    options = options || {};
    var clientId = options.clientId || form.querySelector("input[name=client_id]").value;
    var frame = { type: "send", client_id: clientId, body: body, reply_to: replyTo };
    if (options.redact) frame.redact = true;
    if (options.acknowledge) frame.acknowledge = options.acknowledge;
    pending[clientId] = { body: body, replyTo: replyTo };
    socket.send(JSON.stringify(frame));
  }

  function onAck(frame) {
    delete pending[frame.client_id];
    var idInput = form.querySelector("input[name=client_id]");
    if (idInput.value === frame.client_id) {
      form.querySelector("textarea").value = "";
      idInput.value = newClientId();
      setReply(null);
      clearFormNotes();
    }
    if (frame.status !== "published" && !frame.help_html) {
      setStatus("Your message is waiting for a moderator. Only you can see it for now.");
    }
    if (frame.help_html) {
      helpBox.innerHTML = frame.help_html; // our own template, rendered on the server
      var panel = helpBox.querySelector(".help-panel");
      if (panel) panel.focus();
    }
  }

  function onFrame(frame) {
    switch (frame.type) {
      case "welcome":
        retries = 0;
        livePaused(false);
        setStatus("Live: new messages appear as they are sent.");
        // A little before the newest number seen: messages from different servers can arrive out of order.
        socket.send(JSON.stringify({ type: "sync", after: Math.max(0, lastSeq - 20) }));
        // Anything sent while the connection was down goes again; its client id stops it being stored twice.
        Object.keys(pending).forEach(function (id) { send(pending[id].body, pending[id].replyTo, { clientId: id }); });
        break;
      case "history": frame.messages.forEach(function (m) { place(m, true); }); break;
      case "batch": frame.frames.forEach(onFrame); break; // several frames that piled up, in order
      case "message": case "update": place(frame.message); break;
      case "removed": remove(frame.seq); break;
      case "skip": skip(frame.seq); break;
      case "call": if (window.hearthCall) window.hearthCall.onSignal(frame); break;
      case "ended": stopped = true; window.location.replace(window.location.href); break;
      case "reactions": updateReactions(frame); break;
      case "ack": onAck(frame); break;
      case "nudge": delete pending[frame.client_id]; showNudge(frame, { body: form.querySelector("textarea").value, replyTo: replyTarget() }); break;
      case "error":
        if (frame.client_id) delete pending[frame.client_id];
        if (frame.code === "forbidden" && !frame.client_id) { stopped = true; setStatus(frame.detail); break; }
        showError(frame.detail);
        break;
      case "typing":
        typingLine.textContent = frame.name + " is typing…";
        clearTimeout(typingTimer);
        typingTimer = setTimeout(function () { typingLine.textContent = ""; }, 4000);
        break;
      case "presence":
        presenceLine.textContent = frame.people.length ? "Here now: " + frame.people.join(", ") : "";
        break;
      case "alert":
        var note = el("p", "message warning");
        note.setAttribute("role", "alert");
        note.appendChild(document.createTextNode("A message here needs a moderator (" + frame.risk + " risk). "));
        var a = el("a", "", "Open it in the queue"); a.href = frame.queue_url;
        note.appendChild(a);
        chat.insertBefore(note, chat.querySelector(".chat-log-wrap"));
        break;
      default: break;
    }
  }

  function connect() {
    if (stopped) return;
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + window.location.host + chat.getAttribute("data-ws-path"));
    socket.addEventListener("message", function (event) {
      try { onFrame(JSON.parse(event.data)); } catch (e) { /* a frame we can't read: ignore it */ }
    });
    socket.addEventListener("close", function (event) {
      if (stopped || event.code === 4403) { setStatus(event.code === 4403 ? "This chat isn't open to you." : statusLine.textContent); return; }
      retries += 1;
      var wait = Math.min(15000, 500 * Math.pow(2, retries - 1));
      if (event.code === PAUSED) {
        // Spread out, and at least every 10 s, so rooms come back soon after the outage but not all at once.
        wait = Math.min(10000, wait) * (0.75 + Math.random() / 2);
        setStatus("Not live right now. Sending still works; reload the page to see new messages.");
      } else {
        setStatus("Connection lost. Reconnecting… Your messages are kept until they are sent.");
      }
      if (event.code === PAUSED || retries > 1) livePaused(true);
      setTimeout(connect, wait);
    });
  }

  if (form) {
    form.addEventListener("submit", function (event) {
      if (!socket || socket.readyState !== WebSocket.OPEN) return; // the ordinary form post still works
      event.preventDefault();
      var body = form.querySelector("textarea").value;
      if (!body.trim()) { showError("Write something before sending."); return; }
      clearFormNotes();
      send(body, replyTarget());
    });
    form.querySelector("textarea").addEventListener("input", function () {
      var now = Date.now();
      if (socket && socket.readyState === WebSocket.OPEN && now - lastTyping > 3000) {
        lastTyping = now;
        socket.send(JSON.stringify({ type: "typing" }));
      }
    });
    form.querySelector("textarea").addEventListener("keydown", function (event) {
      // Enter sends, Shift+Enter starts a new line, as in most chats.
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        form.requestSubmit();
      }
    });
  }

  log.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a.chat-reply");
    if (!link || !form) return;
    event.preventDefault();
    setReply(parseInt(link.getAttribute("data-seq"), 10));
    form.querySelector("textarea").focus();
  });

  log.addEventListener("submit", function (event) {
    var f = event.target;
    if (!f.classList.contains("chat-actions") || !socket || socket.readyState !== WebSocket.OPEN) return;
    event.preventDefault();
    var seq = parseInt(f.closest("li[data-seq]").getAttribute("data-seq"), 10);
    var kind = event.submitter ? event.submitter.value : "hug";
    socket.send(JSON.stringify({ type: "react", seq: seq, kind: kind }));
  });

  pingTimer = setInterval(function () {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: "ping" }));
  }, 30000);

  window.hearthChat = {
    stop: function () { stopped = true; clearInterval(pingTimer); if (socket) socket.close(); },
    lastSeq: function () { return lastSeq; },
    send: function (frame) { if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(frame)); },
  };
  connect();
})();
