// Audio and video calls in a 1:1 chat or a group session. WebRTC connects the browsers directly; the chat
// socket only carries the signalling (offers and answers). Joining turns nothing on: the camera and the
// microphone stay off until the person turns them on, and leaving is one click.
(function () {
  "use strict";
  var section = document.getElementById("call");
  if (!section || !window.RTCPeerConnection || !window.hearthChat) return;

  var iceServers = JSON.parse(section.getAttribute("data-ice-servers") || "[]");
  var joinButton = document.getElementById("call-join");
  var leaveButton = document.getElementById("call-leave");
  var cameraButton = document.getElementById("call-camera");
  var micButton = document.getElementById("call-mic");
  var statusLine = document.getElementById("call-status");
  var videos = document.getElementById("call-videos");
  var localVideo = document.getElementById("call-local");

  var inCall = false;
  var peers = {}; // peer id -> {pc, name, video}
  var camera = null; // MediaStreamTrack or null
  var mic = null;

  function say(text) { statusLine.textContent = text; }

  function gathered(pc) {
    // Offers and answers are sent whole, once the browser has found its addresses (no trickle ICE).
    return new Promise(function (resolve) {
      if (pc.iceGatheringState === "complete") { resolve(); return; }
      var done = function () { if (pc.iceGatheringState === "complete") { pc.removeEventListener("icegatheringstatechange", done); resolve(); } };
      pc.addEventListener("icegatheringstatechange", done);
      setTimeout(resolve, 3000);
    });
  }

  function peer(id, name) {
    if (peers[id]) return peers[id];
    var pc = new RTCPeerConnection({ iceServers: iceServers });
    var figure = document.createElement("figure");
    figure.className = "call-peer";
    var video = document.createElement("video");
    video.autoplay = true; video.playsInline = true;
    video.setAttribute("aria-label", "Video from " + name);
    var caption = document.createElement("figcaption");
    caption.textContent = name;
    figure.appendChild(video); figure.appendChild(caption);
    videos.appendChild(figure);
    var stream = new MediaStream();
    video.srcObject = stream;
    pc.addEventListener("track", function (event) { stream.addTrack(event.track); });
    pc.addEventListener("connectionstatechange", function () {
      if (pc.connectionState === "connected") say("In the call with " + Object.keys(peers).map(function (k) { return peers[k].name; }).join(", ") + ".");
      if (pc.connectionState === "failed") say("The connection to " + name + " failed. They may need to rejoin.");
    });
    peers[id] = { pc: pc, name: name, figure: figure };
    window.hearthCall.peers = peers;
    return peers[id];
  }

  function attachLocal(pc) {
    // Every connection has an audio and a video slot from the start, so turning a device on or off later is
    // only a track swap: no new offer is needed.
    pc.getTransceivers().forEach(function (t) {
      t.direction = "sendrecv";
      var kind = t.receiver.track.kind;
      t.sender.replaceTrack(kind === "video" ? camera : mic);
    });
  }

  function drop(id) {
    var p = peers[id];
    if (!p) return;
    p.pc.close();
    p.figure.remove();
    delete peers[id];
  }

  function send(frame) { window.hearthChat.send(Object.assign({ type: "call" }, frame)); }

  function onSignal(frame) {
    if (!inCall) return;
    if (frame.action === "join") {
      // Someone new: those already in the call send them an offer.
      var p = peer(frame.peer, frame.name);
      p.pc.addTransceiver("audio", { direction: "sendrecv" });
      p.pc.addTransceiver("video", { direction: "sendrecv" });
      attachLocal(p.pc);
      p.pc.createOffer()
        .then(function (offer) { return p.pc.setLocalDescription(offer); })
        .then(function () { return gathered(p.pc); })
        .then(function () { send({ action: "offer", to: frame.peer, data: p.pc.localDescription.toJSON() }); });
    } else if (frame.action === "offer") {
      var q = peer(frame.peer, frame.name);
      q.pc.setRemoteDescription(frame.data)
        .then(function () { attachLocal(q.pc); return q.pc.createAnswer(); })
        .then(function (answer) { return q.pc.setLocalDescription(answer); })
        .then(function () { return gathered(q.pc); })
        .then(function () { send({ action: "answer", to: frame.peer, data: q.pc.localDescription.toJSON() }); });
    } else if (frame.action === "answer" && peers[frame.peer]) {
      peers[frame.peer].pc.setRemoteDescription(frame.data);
    } else if (frame.action === "leave") {
      drop(frame.peer);
    }
  }

  function setTrack(kind, track) {
    Object.keys(peers).forEach(function (id) {
      peers[id].pc.getTransceivers().forEach(function (t) {
        if (t.receiver.track.kind === kind) t.sender.replaceTrack(track);
      });
    });
  }

  function toggle(kind) {
    var current = kind === "video" ? camera : mic;
    var button = kind === "video" ? cameraButton : micButton;
    var noun = kind === "video" ? "camera" : "microphone";
    if (current) {
      current.stop();
      if (kind === "video") { camera = null; localVideo.srcObject = null; localVideo.hidden = true; } else { mic = null; }
      setTrack(kind, null);
      button.textContent = "Turn " + noun + " on";
      button.setAttribute("aria-pressed", "false");
      return;
    }
    var constraints = kind === "video" ? { video: true } : { audio: true };
    navigator.mediaDevices.getUserMedia(constraints).then(function (stream) {
      var track = stream.getTracks()[0];
      if (kind === "video") { camera = track; localVideo.srcObject = stream; localVideo.hidden = false; } else { mic = track; }
      setTrack(kind, track);
      button.textContent = "Turn " + noun + " off";
      button.setAttribute("aria-pressed", "true");
    }).catch(function () {
      say("Your " + noun + " couldn't be turned on. Check your browser's permission for this site.");
    });
  }

  function join() {
    inCall = true;
    joinButton.hidden = true;
    leaveButton.hidden = false; cameraButton.hidden = false; micButton.hidden = false;
    say("You're in the call. Your camera and microphone are off until you turn them on.");
    send({ action: "join" });
  }

  function leave() {
    inCall = false;
    send({ action: "leave" });
    Object.keys(peers).forEach(drop);
    [camera, mic].forEach(function (t) { if (t) t.stop(); });
    camera = null; mic = null; localVideo.srcObject = null; localVideo.hidden = true;
    joinButton.hidden = false;
    leaveButton.hidden = true; cameraButton.hidden = true; micButton.hidden = true;
    cameraButton.textContent = "Turn camera on"; micButton.textContent = "Turn microphone on";
    say("You left the call.");
  }

  joinButton.addEventListener("click", join);
  leaveButton.addEventListener("click", leave);
  cameraButton.addEventListener("click", function () { toggle("video"); });
  micButton.addEventListener("click", function () { toggle("audio"); });
  window.addEventListener("pagehide", function () { if (inCall) leave(); });
  section.hidden = false;
  window.hearthCall = { onSignal: onSignal, peers: peers };
})();
