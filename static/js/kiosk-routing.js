/* Which questions are asked, given the answers so far: the gates (ask_if of an item and its sections) come
   from the server's routing module; an unasked controller takes the instrument's implied value. The server
   validates the same rules again on submission. Shared by the kiosk and the online form. */
(function () {
  "use strict";
  window.surveyAsked = function (questions, answers, implied) {
    var set = {};
    questions.forEach(function (q) {
      var ok = q.conditions.every(function (c) {
        var v = (set[c.item] && answers[c.item] !== undefined) ? answers[c.item] : implied[c.item];
        if (Array.isArray(v)) { return v.some(function (x) { return c["in"].indexOf(x) >= 0; }); }
        return c["in"].indexOf(v) >= 0;
      });
      if (ok) { set[q.code] = true; }
    });
    return set;
  };
})();
