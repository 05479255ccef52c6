/* Kiosk outbox: each response is stored in IndexedDB before its first send and removed only when the server
   answers 200/201. Network errors, 5xx and 429 retry with backoff; other 4xx are kept aside for staff. */
(function () {
  "use strict";
  var DB_NAME = "kiosk-outbox", STORE = "responses";
  var LAST_DELIVERED = "kiosk-last-delivered";  // kept beside the outbox: staff still see it after a reload
  var dbPromise = null;

  function openDb() {
    if (!dbPromise) {
      dbPromise = new Promise(function (resolve, reject) {
        var req = indexedDB.open(DB_NAME, 1);
        req.onupgradeneeded = function () { req.result.createObjectStore(STORE, { keyPath: "id" }); };
        req.onsuccess = function () { resolve(req.result); };
        req.onerror = function () { dbPromise = null; reject(req.error); };
      });
    }
    return dbPromise;
  }

  // Run fn(store) in one transaction; resolves with fn's request result once the transaction is durable.
  function withStore(mode, fn) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode, { durability: "strict" });
        var req = fn(tx.objectStore(STORE));
        tx.oncomplete = function () { resolve(req ? req.result : undefined); };
        tx.onerror = tx.onabort = function () { reject(tx.error); };
      });
    });
  }

  function Outbox(options) {
    this.api = options.api;
    this.heartbeatUrl = options.heartbeat;
    this.token = options.token;
    this.retryMax = (options.retryMaxSeconds || 60) * 1000;
    this.onChange = options.onChange || function () {};
    this.sending = false;
    this.timer = null;
    this.lastDelivered = readTime(LAST_DELIVERED);
    this.online = navigator.onLine;
  }

  function readTime(key) {
    try {
      var at = new Date(localStorage.getItem(key) || "");
      return isNaN(at.getTime()) ? null : at;
    } catch (e) { return null; }  // storage refused (private mode): the time is shown for this page only
  }

  Outbox.prototype.delivered = function () {
    this.lastDelivered = new Date();
    try { localStorage.setItem(LAST_DELIVERED, this.lastDelivered.toISOString()); } catch (e) { /* see readTime */ }
  };

  Outbox.prototype.all = function () {
    return withStore("readonly", function (s) { return s.getAll(); }).then(function (rows) {
      return rows.sort(function (a, b) { return a.created - b.created; });
    });
  };

  Outbox.prototype.counts = function () {
    return this.all().then(function (rows) {
      var pending = rows.filter(function (r) { return r.state === "pending"; }).length;
      return { pending: pending, rejected: rows.length - pending, rows: rows };
    });
  };

  // Store first, send later: the promise resolves only when the response is safely on disk.
  Outbox.prototype.add = function (body) {
    var self = this;
    var row = { id: body.id, body: body, state: "pending", attempts: 0, next: 0, created: Date.now() };
    return withStore("readwrite", function (s) { return s.put(row); }).then(function () {
      self.onChange();
      setTimeout(function () { self.flush(); }, 0);
    });
  };

  Outbox.prototype.put = function (row) {
    return withStore("readwrite", function (s) { return s.put(row); });
  };

  Outbox.prototype.remove = function (id) {
    var self = this;
    return withStore("readwrite", function (s) { return s.delete(id); }).then(function () { self.onChange(); });
  };

  Outbox.prototype.retry = function (id) {
    var self = this;
    return withStore("readonly", function (s) { return s.get(id); }).then(function (row) {
      if (!row) { return; }
      row.state = "pending"; row.attempts = 0; row.next = 0; delete row.error;
      return self.put(row).then(function () { self.onChange(); self.flush(); });
    });
  };

  Outbox.prototype.schedule = function (delay) {
    var self = this;
    clearTimeout(this.timer);
    this.timer = setTimeout(function () { self.flush(); }, Math.max(0, delay));
  };

  Outbox.prototype.backoff = function (attempts) {
    var base = Math.min(this.retryMax, 1000 * Math.pow(2, Math.min(attempts, 16)));
    return base / 2 + Math.random() * base / 2;  // jitter: a room of kiosks does not retry in step
  };

  Outbox.prototype.send = function (row, queueLength) {
    var ctrl = typeof AbortController === "function" ? new AbortController() : null;
    var timeout = setTimeout(function () { if (ctrl) { ctrl.abort(); } }, 15000);
    return fetch(this.api, {
      method: "POST", credentials: "omit", cache: "no-store", signal: ctrl ? ctrl.signal : undefined,
      headers: { "Authorization": "Bearer " + this.token, "Content-Type": "application/json",
                 "X-Outbox-Length": String(queueLength) },
      body: JSON.stringify(row.body)
    }).then(function (resp) {
      clearTimeout(timeout);
      return resp.text().then(function (text) { return { status: resp.status, text: text }; });
    }, function (err) {
      clearTimeout(timeout);
      return { status: 0, text: String(err) };
    });
  };

  // Deliver pending rows oldest first, one at a time; stop at the first transient failure and back off.
  Outbox.prototype.flush = function (force) {
    var self = this;
    if (this.sending) { return Promise.resolve(); }
    this.sending = true;
    var delivered = 0;
    var finish = function () {
      self.sending = false;
      self.onChange();
      if (delivered) { self.heartbeat(); }  // the server learns the outbox is (nearly) empty again
    };
    return this.all().then(function (rows) {
      var pending = rows.filter(function (r) { return r.state === "pending"; });
      var step = function (i) {
        if (i >= pending.length) { return Promise.resolve(); }
        var row = pending[i], now = Date.now();
        if (!force && row.next > now) { self.schedule(row.next - now); return Promise.resolve(); }
        return self.send(row, pending.length - i).then(function (res) {
          if (res.status === 200 || res.status === 201) {
            self.online = true;
            self.delivered();
            delivered += 1;
            return self.remove(row.id).then(function () { return step(i + 1); });
          }
          if (res.status === 0 || res.status === 429 || res.status === 408 || res.status >= 500) {
            self.online = res.status !== 0;
            row.attempts += 1;
            row.next = Date.now() + self.backoff(row.attempts);
            return self.put(row).then(function () { self.schedule(row.next - Date.now()); });
          }
          self.online = true;
          row.state = "rejected";
          row.error = { status: res.status, text: res.text.slice(0, 600), at: new Date().toISOString() };
          return self.put(row).then(function () { return step(i + 1); });
        });
      };
      return step(0);
    }).then(finish, function (err) { finish(); throw err; });
  };

  Outbox.prototype.heartbeat = function () {
    var self = this;
    return this.counts().then(function (c) {
      return fetch(self.heartbeatUrl, {
        method: "POST", credentials: "omit", cache: "no-store",
        headers: { "Authorization": "Bearer " + self.token, "Content-Type": "application/json" },
        body: JSON.stringify({ queue_length: c.pending + c.rejected })
      }).then(function (resp) { self.online = true; return resp.status; }, function () { self.online = false; });
    });
  };

  window.KioskOutbox = Outbox;
})();
