// Autosave for the answer form: each question is saved on its own as soon as it changes.
// The form works without this script (the buttons post the whole page); this only adds
// saving without a click, a visible state per question, and clear messages on failure.
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave]");
  if (!form || !window.fetch) { return; }
  var base = form.getAttribute("data-autosave");
  var csrf = form.querySelector("input[name=_csrf_token]");
  var queue = Promise.resolve();  // one save at a time, so each answer's versions follow each other
  var timers = {};

  function message(name) { return form.getAttribute("data-msg-" + name); }

  function show(fieldset, text, kind) {
    var state = fieldset.querySelector(".save-state");
    state.textContent = text;
    state.className = "save-state save-state--" + kind;
  }

  // Each question carries the version of its answer (versie-<id>); colleagues saving other
  // questions never conflict with it.
  function version(fieldset) {
    return fieldset.querySelector("input[name^=versie-]");
  }

  function fields(fieldset) {
    var body = new URLSearchParams();
    fieldset.querySelectorAll("input, textarea").forEach(function (input) {
      if ((input.type === "radio" || input.type === "checkbox") && !input.checked) { return; }
      body.append(input.name, input.value);
    });
    return body;
  }

  // The colleague's answer beside one's own, with a choice; nothing typed is lost.
  function conflict(fieldset, data) {
    var old = fieldset.querySelector(".conflict");
    if (old) { old.remove(); }
    var id = fieldset.getAttribute("data-vraag");
    var theirs = data.huidig || {};
    var label = fieldset.querySelector("label[for='antwoord-" + id + "-" + theirs.code + "'] strong");
    var box = document.createElement("div");
    box.className = "conflict utrecht-alert utrecht-alert--warning";
    box.setAttribute("role", "alert");
    var text = document.createElement("p");
    text.className = "utrecht-paragraph";
    text.textContent = message("conflict") + " " + (label ? label.textContent : theirs.code) +
      (theirs.explanation ? " “" + theirs.explanation + "”" : "") +
      (theirs.documents && theirs.documents.length ? " · " + theirs.documents.map(function (d) { return d.title; }).join("; ") : "");
    box.appendChild(text);
    [["keep", keep], ["take", take]].forEach(function (choice) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "utrecht-button utrecht-button--secondary-action";
      button.textContent = message(choice[0]);
      button.addEventListener("click", function () { choice[1](); });
      box.appendChild(button);
    });
    fieldset.querySelector(".save-state").before(box);
    show(fieldset, "", "error");

    function keep() {
      version(fieldset).value = data.versie;
      box.remove();
      save(fieldset);
    }

    function take() {
      var radio = fieldset.querySelector("input[type=radio][value='" + theirs.code + "']");
      if (radio) { radio.checked = true; }
      var regional = fieldset.querySelector("input[type=checkbox]");
      if (regional) { regional.checked = !!theirs.regional; }
      fieldset.querySelector("textarea").value = theirs.explanation || "";
      var evidence = fieldset.querySelector("input[name^=bewijs-]");
      if (evidence) { evidence.value = theirs.evidence || ""; }
      setDocuments(fieldset, theirs.documents || []);
      version(fieldset).value = data.versie;
      box.remove();
      show(fieldset, message("taken"), "ok");
    }
  }

  // Document rows: as many as there are documents, and one empty row to add another.
  function documentRows(fieldset) {
    return fieldset.querySelectorAll("[data-document]");
  }

  function addEmptyRow(fieldset) {
    var group = fieldset.querySelector("[data-documenten]");
    var rows = documentRows(fieldset);
    var most = group ? Number(group.getAttribute("data-documenten")) : 0;
    if (rows.length === 0 || rows.length >= most) { return; }
    var id = fieldset.getAttribute("data-vraag");
    var n = rows.length + 1;
    var row = rows[rows.length - 1].cloneNode(true);
    var ids = ["documenten-" + id + "-" + n, "document-url-" + id + "-" + n];
    var inputs = row.querySelectorAll("input");
    var labels = row.querySelectorAll("label");
    for (var i = 0; i < ids.length; i++) {
      inputs[i].id = ids[i];
      inputs[i].value = "";
      labels[i].htmlFor = ids[i];
      var hidden = labels[i].querySelector(".visually-hidden");
      if (hidden) { hidden.textContent = hidden.textContent.replace(/\d+\s*$/, String(n)); }
    }
    rows[rows.length - 1].after(row);
  }

  function lastRowUsed(fieldset) {
    var rows = documentRows(fieldset);
    if (rows.length === 0) { return false; }
    return Array.prototype.some.call(rows[rows.length - 1].querySelectorAll("input"), function (input) {
      return input.value.trim() !== "";
    });
  }

  // The colleague's documents in the rows, with an empty row after them.
  function setDocuments(fieldset, documents) {
    var rows = documentRows(fieldset);
    while (rows.length > 0 && rows.length < documents.length + 1) {
      addEmptyRow(fieldset);
      var more = documentRows(fieldset);
      if (more.length === rows.length) { break; }
      rows = more;
    }
    rows.forEach(function (row, index) {
      var inputs = row.querySelectorAll("input");
      var doc = documents[index] || {};
      inputs[0].value = doc.title || "";
      inputs[1].value = doc.url || "";
    });
  }

  function answered(fieldset) {
    return fieldset.querySelector("input[type=radio]:checked") !== null;
  }

  // `confirming`: the officer chose Bevestig on last year's answer; saving it confirms it.
  function save(fieldset, confirming) {
    var id = fieldset.getAttribute("data-vraag");
    if (!answered(fieldset)) { return; }
    show(fieldset, message("saving"), "busy");
    queue = queue.then(function () {
      return fetch(base + id, {
        method: "POST",
        headers: { "x-csrftoken": csrf ? csrf.value : "", "Accept": "application/json" },
        body: fields(fieldset),
        credentials: "same-origin"
      }).then(function (response) {
        return response.json().then(function (data) {
          if (response.ok) {
            version(fieldset).value = data.versie;
            var time = new Date().toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
            show(fieldset, message(confirming ? "confirmed" : "saved") + " " + time, "ok");
            var mark = fieldset.querySelector("[data-vooringevuld]");
            if (mark) {
              var hadFocus = mark.contains(document.activeElement);
              mark.remove();
              if (hadFocus) { fieldset.querySelector("input[type=radio]:checked").focus(); }
            }
            var progress = document.querySelector("[data-domein-voortgang='" + id.charAt(0) + "']");
            if (progress) {
              progress.textContent = message("progress").replace("{b}", data.beantwoord).replace("{t}", data.totaal);
            }
          } else if (response.status === 412) {
            conflict(fieldset, data);
          } else if (response.status === 409) {
            show(fieldset, data.melding, "error");
          } else {
            var reasons = data.fouten ? Object.keys(data.fouten).map(function (k) { return data.fouten[k]; }) : [];
            show(fieldset, message("invalid") + " " + reasons.join(" "), "error");
          }
        });
      }).catch(function () { show(fieldset, message("offline"), "error"); });
    });
  }

  form.querySelectorAll("fieldset[data-vraag]").forEach(function (fieldset) {
    var id = fieldset.getAttribute("data-vraag");
    fieldset.addEventListener("change", function () { save(fieldset); });
    var confirm = fieldset.querySelector("[data-bevestig]");
    if (confirm) {
      confirm.addEventListener("click", function (event) {
        event.preventDefault();  // no page post: this answer alone, and the focus stays here
        save(fieldset, true);
      });
    }
    // Choosing last year's answer again changes nothing: say how to confirm it.
    fieldset.addEventListener("click", function (event) {
      if (event.target.type !== "radio") { return; }
      var before = fieldset.querySelector(".save-state").textContent;
      setTimeout(function () {  // after any change event: a real change is being saved
        var unchanged = fieldset.querySelector(".save-state").textContent === before;
        if (unchanged && fieldset.querySelector("[data-vooringevuld]")) {
          show(fieldset, message("prefilled"), "hint");
        }
      }, 0);
    });
    fieldset.addEventListener("input", function (event) {
      if (event.target.tagName !== "TEXTAREA" && event.target.type !== "text" && event.target.type !== "url") { return; }
      if (event.target.closest("[data-document]") && lastRowUsed(fieldset)) { addEmptyRow(fieldset); }
      clearTimeout(timers[id]);
      timers[id] = setTimeout(function () { save(fieldset); }, 1200);
    });
  });
})();
