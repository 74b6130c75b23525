/* The visual criteria builder of the segment card (SPEC §5, §8): field → operator → value,
   groups joined by and/or, each row or group negated by "Not", relations with conditions on
   their own rows, and segment memberships. It writes the same criteria as the text box, both
   ways, through the server: the builder's JSON tree becomes canonical text
   (/criteria-builder/text) and typed text becomes the tree it draws (/criteria-builder/tree).
   No inline script, no inline style: the page's CSP allows scripts from 'self' only. */
(function () {
  "use strict";

  var root = document.getElementById("builder");
  if (!root) { return; }
  var textarea = document.getElementById(root.dataset.target);
  var registry = null;
  var model = null;
  var message = null;
  var textTimer = null;
  var treeTimer = null;
  var asked = 0;
  var uid = 0;
  /* The builder's words, translated by the page (data-words), English when missing. */
  var words = JSON.parse(root.dataset.words || "{}");
  var english = {
    builder: "Builder", not: "Not", field: "Field", operator: "Operator", value: "Value",
    join: "Join", group: "Group", and: "all of these (and)", or: "any of these (or)",
    addCondition: "Add condition", addGroup: "Add group", removeCondition: "Remove condition",
    removeGroup: "Remove group", choose: "(choose a field)", empty: "(empty)", on: "on"
  };
  function word(key) { return words[key] || english[key]; }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") { node.textContent = attrs[key]; }
      else if (key === "checked" || key === "selected" || key === "hidden") { node[key] = attrs[key]; }
      else { node.setAttribute(key, attrs[key]); }
    });
    (children || []).forEach(function (child) { if (child) { node.appendChild(child); } });
    return node;
  }

  function group(join) { return { kind: "group", join: join || "and", not: false, items: [] }; }
  function condition() { return { kind: "cond", not: false, field: "", op: "", value: "" }; }

  /* The fields a row can name: the contact's, or a relation's own inside that relation. */
  function scopeFields(scope) {
    if (!scope) { return registry.fields; }
    var rel = registry.relations.filter(function (r) { return r.name === scope; })[0];
    return rel ? rel.fields : [];
  }
  function fieldOf(scope, name) {
    return scopeFields(scope).filter(function (f) { return f.name === name; })[0] || null;
  }
  function codeKey(scope, name) { return scope ? scope + "." + name : name; }

  /* JSON tree (the API's and the registry's form) → the builder's model. */
  function fromJson(json, scope) {
    var node;
    if (json === null || json === undefined) { return group("and"); }
    if (json.and || json.or) {
      var join = json.and ? "and" : "or";
      node = group(join);
      node.items = json[join].map(function (part) { return fromJson(part, scope); });
      return node;
    }
    if (Object.prototype.hasOwnProperty.call(json, "not")) {
      node = fromJson(json.not, scope);
      node.not = !node.not;
      return node;
    }
    if (json.relation) {
      return { kind: "rel", not: false, relation: json.relation, where: asGroup(fromJson(json.where, json.relation)) };
    }
    if (Object.prototype.hasOwnProperty.call(json, "segment")) {
      return { kind: "member", not: false, member: "segment", value: String(json.segment) };
    }
    if (Object.prototype.hasOwnProperty.call(json, "logged_segment")) {
      return { kind: "member", not: false, member: "logged_segment", value: String(json.logged_segment) };
    }
    var value = json.values ? json.values.join(", ") : (json.value === undefined ? "" : String(json.value));
    return { kind: "cond", not: false, field: json.field, op: json.op, value: value };
  }
  function asGroup(node) {
    if (node.kind === "group" && !node.not) { return node; }
    var wrapper = group("and");
    wrapper.items = [node];
    return wrapper;
  }

  function typed(field, text) {
    var value = text.trim();
    if (field && field.type === "bool") { return value === "true"; }
    if (field && field.type === "int" && /^-?\d+$/.test(value)) { return parseInt(value, 10); }
    return value;
  }

  /* The builder's model → JSON tree; null when a group holds nothing yet. */
  function toJson(node, scope) {
    var json = null;
    if (node.kind === "group") {
      var parts = node.items.map(function (item) { return toJson(item, scope); })
        .filter(function (part) { return part !== null; });
      if (parts.length === 1) { json = parts[0]; }
      else if (parts.length > 1) { json = {}; json[node.join] = parts; }
    } else if (node.kind === "rel") {
      json = { relation: node.relation, where: toJson(node.where, node.relation) };
    } else if (node.kind === "member") {
      if (!node.value.trim()) { return null; }
      json = {};
      json[node.member] = node.member === "logged_segment" ? typed({ type: "int" }, node.value) : node.value.trim();
    } else {
      if (!node.field || !node.op) { return null; }
      var field = fieldOf(scope, node.field);
      json = { field: node.field, op: node.op };
      if (node.op === "in" || node.op === "not in") {
        json.values = node.value.split(",").map(function (v) { return typed(field, v); })
          .filter(function (v) { return v !== ""; });
      } else if (node.op.indexOf("empty") < 0) {
        json.value = typed(field, node.value);
      }
    }
    if (json !== null && node.not) { return { not: json }; }
    return json;
  }

  function say(text) {
    message.textContent = text || "";
    message.hidden = !text;
  }

  /* Builder → text: ask the server for the canonical text and put it in the text box. */
  function changed() {
    clearTimeout(textTimer);
    textTimer = setTimeout(function () {
      var json = toJson(model, null);
      if (json === null) { say(""); return; }
      var ticket = ++asked;
      fetch(root.dataset.text + "?tree=" + encodeURIComponent(JSON.stringify(json)), { credentials: "same-origin" })
        .then(function (answer) { return answer.json(); })
        .then(function (body) {
          if (ticket !== asked) { return; }
          if (body.error) { say(body.error); return; }
          say("");
          textarea.value = body.text;
          textarea.dispatchEvent(new Event("input", { bubbles: true }));
        });
    }, 200);
  }

  /* Text → builder: the tree of what the user typed, drawn when it parses. */
  function typedText() {
    clearTimeout(treeTimer);
    treeTimer = setTimeout(function () {
      var ticket = ++asked;
      fetch(root.dataset.tree + "?criteria=" + encodeURIComponent(textarea.value), { credentials: "same-origin" })
        .then(function (answer) { return answer.json(); })
        .then(function (body) {
          if (ticket !== asked || body.error) { return; }
          model = asGroup(fromJson(body.tree, null));
          draw();
        });
    }, 400);
  }

  function select(label, options, current, onChange) {
    var id = "b" + (++uid);
    var node = el("select", { id: id, "aria-label": label }, options.map(function (option) {
      return el("option", { value: option[0], text: option[1], selected: option[0] === current });
    }));
    node.addEventListener("change", function () { onChange(node.value); });
    return node;
  }

  function checkbox(label, checked, onChange) {
    var id = "b" + (++uid);
    var box = el("input", { type: "checkbox", id: id, checked: checked });
    box.addEventListener("change", function () { onChange(box.checked); });
    return el("label", { "for": id, "class": "check" }, [box, document.createTextNode(" " + label)]);
  }

  function button(label, onClick) {
    var node = el("button", { type: "button", "class": "secondary small", text: label });
    node.addEventListener("click", onClick);
    return node;
  }

  function fieldChoices(scope) {
    var options = [["", word("choose")]];
    scopeFields(scope).forEach(function (f) { options.push([f.name, f.label + " (" + f.name + ")"]); });
    if (!scope) {
      registry.relations.forEach(function (r) { options.push(["rel:" + r.name, r.label + " … (" + r.name + ")"]); });
      registry.memberships.forEach(function (m) { options.push(["member:" + m.name, word("on") + " " + m.label + " (" + m.name + ")"]); });
    }
    return options;
  }

  function chooseField(node, scope, value, replace) {
    if (value.indexOf("rel:") === 0) {
      var where = group("and");
      where.items.push(condition());
      replace({ kind: "rel", not: node.not, relation: value.slice(4), where: where });
    } else if (value.indexOf("member:") === 0) {
      replace({ kind: "member", not: node.not, member: value.slice(7), value: "" });
    } else {
      var field = fieldOf(scope, value);
      replace({ kind: "cond", not: node.not, field: value, op: field ? field.operators[0] : "", value: "" });
    }
  }

  function valueControl(node, field, scope) {
    if (!field || node.op.indexOf("empty") >= 0) { return null; }
    var id = "b" + (++uid);
    var many = node.op === "in" || node.op === "not in";
    if (!many && (field.type === "bool" || field.choices.length)) {
      var choices = field.type === "bool" ? ["true", "false"] : field.choices;
      if (!node.value) { node.value = choices[0]; }
      return select(word("value"), choices.map(function (c) { return [c, c === "" ? word("empty") : c]; }), node.value,
        function (v) { node.value = v; changed(); });
    }
    var attrs = { id: id, "aria-label": word("value"), value: node.value, autocomplete: "off", spellcheck: "false" };
    if (field.type === "date") { attrs.placeholder = "2026-01-31 or today - 90d"; }
    if (many) { attrs.placeholder = "A, B, C"; }
    var codes = registry.codes[codeKey(scope, field.name)];
    if (codes && codes.length) { attrs.list = datalist(codeKey(scope, field.name), codes); }
    var input = el("input", attrs);
    input.addEventListener("input", function () { node.value = input.value; changed(); });
    return input;
  }

  function datalist(key, codes) {
    var id = "b-codes-" + key.replace(/\W/g, "-");
    if (!document.getElementById(id)) {
      root.appendChild(el("datalist", { id: id }, codes.map(function (c) {
        return el("option", { value: c.code, label: c.description });
      })));
    }
    return id;
  }

  function drawRow(node, scope, replace, remove) {
    var row = el("div", { "class": "b-row" });
    row.appendChild(checkbox(word("not"), node.not, function (on) { node.not = on; changed(); }));
    var current = node.kind === "rel" ? "rel:" + node.relation
      : node.kind === "member" ? "member:" + node.member : node.field;
    row.appendChild(select(word("field"), fieldChoices(scope), current, function (value) {
      chooseField(node, scope, value, replace);
    }));
    if (node.kind === "cond" && node.field) {
      var field = fieldOf(scope, node.field);
      row.appendChild(select(word("operator"), (field ? field.operators : []).map(function (op) { return [op, op]; }),
        node.op, function (op) { node.op = op; draw(); changed(); }));
      var control = valueControl(node, field, scope);
      if (control) { row.appendChild(control); }
    } else if (node.kind === "member") {
      var input = el("input", { "aria-label": word("value"), value: node.value, autocomplete: "off",
        placeholder: node.member === "segment" ? "SEG00001" : "1" });
      input.addEventListener("input", function () { node.value = input.value; changed(); });
      row.appendChild(input);
    }
    row.appendChild(button(word("removeCondition"), remove));
    var item = el("li", {}, [row]);
    if (node.kind === "rel") { item.appendChild(drawGroup(node.where, node.relation, null)); }
    return item;
  }

  function drawGroup(node, scope, remove) {
    var box = el("div", { "class": "b-group", role: "group", "aria-label": word("group") });
    var head = el("div", { "class": "b-row" });
    head.appendChild(checkbox(word("not"), node.not, function (on) { node.not = on; changed(); }));
    head.appendChild(select(word("join"), [["and", word("and")], ["or", word("or")]], node.join,
      function (join) { node.join = join; changed(); }));
    head.appendChild(button(word("addCondition"), function () { node.items.push(condition()); draw(); }));
    head.appendChild(button(word("addGroup"), function () {
      var inner = group(node.join === "and" ? "or" : "and");
      inner.items.push(condition());
      node.items.push(inner);
      draw();
    }));
    if (remove) { head.appendChild(button(word("removeGroup"), remove)); }
    box.appendChild(head);
    var list = el("ul", { "class": "b-items" });
    node.items.forEach(function (item, index) {
      function removeItem() { node.items.splice(index, 1); draw(); changed(); }
      function replaceItem(next) { node.items[index] = next; draw(); changed(); }
      list.appendChild(item.kind === "group"
        ? el("li", {}, [drawGroup(item, scope, removeItem)])
        : drawRow(item, scope, replaceItem, removeItem));
    });
    box.appendChild(list);
    return box;
  }

  function draw() {
    Array.prototype.slice.call(root.querySelectorAll(".b-group")).forEach(function (n) {
      if (n.parentNode === root) { root.removeChild(n); }
    });
    root.insertBefore(drawGroup(model, null, null), message);
  }

  function start() {
    fetch(root.dataset.fields, { credentials: "same-origin" })
      .then(function (answer) { return answer.json(); })
      .then(function (body) {
        registry = body;
        root.appendChild(el("h3", { text: word("builder") }));
        message = el("p", { "class": "error", hidden: true });
        root.appendChild(message);
        model = group("and");
        model.items.push(condition());
        draw();
        if (textarea.value.trim()) { typedText(); }
        textarea.addEventListener("input", function (event) {
          if (event.isTrusted) { typedText(); }
        });
      });
  }

  start();
}());
