/* Kiosk staff panel, hidden from citizens: a long press (1.5 s) on the top-left corner, or Ctrl+Shift+S.
   Shows the outbox (waiting, refused with the server's reason), sends now, and sets counter/officer attribution. */
(function () {
  "use strict";
  window.KioskStaff = function (o) {
    var panel = o.panel, t = o.t, el = o.el, outbox = o.outbox, pressTimer = null;

    function open() { panel.hidden = false; outbox.counts().then(render); }

    o.corner.addEventListener("pointerdown", function () { pressTimer = setTimeout(open, 1500); });
    ["pointerup", "pointerleave", "pointercancel"].forEach(function (ev) {
      o.corner.addEventListener(ev, function () { clearTimeout(pressTimer); });
    });
    document.addEventListener("keydown", function (ev) {
      if (ev.ctrlKey && ev.shiftKey && (ev.key === "S" || ev.key === "s")) { ev.preventDefault(); open(); }
    });

    function field(key, label) {
      var input = el("input", { type: "text", id: "staff-" + key, maxlength: key === "counter" ? "40" : "80",
                                list: key === "counter" ? "staff-counters" : "" });
      input.value = o.attribution()[key] || "";
      return el("label", { "class": "k-field" }, [el("span", { text: label }), input]);
    }

    function refused(r) {
      return el("li", {}, [el("code", { text: r.id.slice(0, 8) + " · " + r.error.status }),
                           el("span", { text: " " + r.error.text.slice(0, 160) + " " }),
                           el("button", { type: "button", "class": "k-btn", text: t("staff_retry"), on: function () { outbox.retry(r.id); } }),
                           el("button", { type: "button", "class": "k-btn", text: t("staff_discard"), on: function () { outbox.remove(r.id); } })]);
    }

    function render(c) {
      var last = outbox.lastDelivered ? outbox.lastDelivered.toLocaleTimeString() : t("staff_never");
      panel.textContent = "";
      panel.appendChild(el("div", { "class": "k-dialog k-staff-box", role: "dialog", "aria-label": t("staff_title") }, [
        el("h2", { text: t("staff_title") + " — " + o.device }),
        el("p", { "class": "k-status", id: "staff-status" }, [
          el("strong", { id: "staff-pending", text: String(c.pending) }), el("span", { text: " " + t("staff_waiting") + " · " }),
          el("strong", { id: "staff-rejected", text: String(c.rejected) }), el("span", { text: " " + t("staff_rejected") + " · " }),
          el("span", { text: (outbox.online ? t("staff_online") : t("staff_offline")) + " · " + t("staff_last_sent") + ": " + last })]),
        el("ul", { "class": "k-rejected" }, c.rows.filter(function (r) { return r.state !== "pending"; }).map(refused)),
        el("h3", { text: t("staff_attribution") }), field("counter", t("staff_counter")),
        el("datalist", { id: "staff-counters" }, o.counters.map(function (n) { return el("option", { value: n }); })),
        field("officer", t("staff_officer")),
        el("div", { "class": "k-nav" }, [
          el("button", { type: "button", "class": "k-btn", text: t("staff_send_now"), on: function () { outbox.flush(true); } }),
          el("button", { type: "button", "class": "k-btn", id: "staff-save", text: t("staff_save"), on: function () {
            o.save({ counter: document.getElementById("staff-counter").value.trim(),
                     officer: document.getElementById("staff-officer").value.trim() });
          } }),
          el("button", { type: "button", "class": "k-btn k-primary", id: "staff-close", text: t("staff_close"),
                         on: function () { panel.hidden = true; } })])]));
    }

    return { update: function (c) { if (!panel.hidden) { render(c); } } };
  };
})();
