// The agency picker of the new-request form: a typeahead with chips that fills the same
// <select multiple name="agency_ids"> the page works with when JavaScript is off.
"use strict";
(function () {
  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([key, value]) => node.setAttribute(key, value));
    if (text) node.textContent = text;
    return node;
  }

  function localMatches(select, query) {
    const words = query.toLowerCase().split(/\s+/).filter(Boolean);
    const found = [];
    select.querySelectorAll("option").forEach((option) => {
      const haystack = (option.textContent + " " + (option.dataset.jurisdiction || "")).toLowerCase();
      if (words.every((word) => haystack.includes(word))) {
        found.push({ id: Number(option.value), name: option.textContent.trim(),
                     jurisdiction: option.dataset.jurisdiction || "", email: option.dataset.email || "" });
      }
    });
    return found.slice(0, 20);
  }

  function setUp(select) {
    const field = select.closest(".field") || select.parentElement;
    const label = field.querySelector("label");
    const listId = select.id + "-suggestions";
    const input = el("input", {
      type: "text", id: select.id + "-typeahead", role: "combobox", "aria-autocomplete": "list",
      "aria-expanded": "false", "aria-controls": listId, autocomplete: "off",
      placeholder: "Type an agency's name or its state…",
    });
    const chips = el("div", { class: "chips", "aria-label": "Chosen agencies", role: "list" });
    const list = el("ul", { class: "suggestions", id: listId, role: "listbox", hidden: "" });
    const status = el("p", { class: "visually-hidden", role: "status", "aria-live": "polite" });
    let results = [];
    let active = -1;
    let timer = null;
    let lastQuery = "";

    if (label) label.setAttribute("for", input.id);
    const hint = field.querySelector(".hint");
    if (hint) {
      input.setAttribute("aria-describedby", hint.id);
      hint.textContent = hint.textContent.replace(/ Hold Ctrl.*$/, " Type to search; ↑ ↓ to move, Enter to add, Backspace to remove the last one.");
    }
    select.hidden = true;
    select.setAttribute("aria-hidden", "true");
    select.tabIndex = -1;
    select.after(chips, input, list, status);

    function optionFor(item) {
      let option = select.querySelector(`option[value="${item.id}"]`);
      if (!option) {
        option = el("option", { value: String(item.id), "data-jurisdiction": item.jurisdiction || "" }, item.name);
        select.append(option);
      }
      return option;
    }

    function renderChips() {
      chips.replaceChildren();
      select.querySelectorAll("option:checked").forEach((option) => {
        const name = option.textContent.trim();
        const chip = el("span", { class: "chip", role: "listitem" });
        chip.append(document.createTextNode(name + (option.dataset.jurisdiction ? ` (${option.dataset.jurisdiction})` : "") + " "));
        const remove = el("button", { type: "button", "aria-label": `Remove ${name}` }, "×");
        remove.addEventListener("click", () => {
          option.selected = false;
          renderChips();
          status.textContent = `${name} removed.`;
          input.focus();
        });
        chip.append(remove);
        chips.append(chip);
      });
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      active = index;
      list.querySelectorAll("li").forEach((li, i) => li.setAttribute("aria-selected", i === index ? "true" : "false"));
      if (index >= 0 && list.children[index]) {
        input.setAttribute("aria-activedescendant", list.children[index].id);
        list.children[index].scrollIntoView({ block: "nearest" });
      }
    }

    function show(items) {
      results = items;
      list.replaceChildren();
      items.forEach((item, i) => {
        const li = el("li", { role: "option", id: `${listId}-${i}`, "aria-selected": "false" });
        const chosen = select.querySelector(`option[value="${item.id}"]`);
        li.append(el("strong", {}, item.name));
        li.append(document.createTextNode(` — ${item.jurisdiction || ""}${chosen && chosen.selected ? " (chosen)" : ""}`));
        li.addEventListener("mousedown", (event) => { event.preventDefault(); choose(i); });
        list.append(li);
      });
      list.hidden = items.length === 0;
      input.setAttribute("aria-expanded", items.length ? "true" : "false");
      status.textContent = items.length ? `${items.length} agencies found.` : "No agency found.";
      highlight(items.length ? 0 : -1);
    }

    function choose(index) {
      const item = results[index];
      if (!item) return;
      optionFor(item).selected = true;
      renderChips();
      status.textContent = `${item.name} added.`;
      input.value = "";
      close();
    }

    async function suggest(query) {
      lastQuery = query;
      let items = null;
      const url = select.dataset.suggestUrl;
      if (url) {
        try {
          const response = await fetch(`${url}?q=${encodeURIComponent(query)}`, { headers: { Accept: "application/json" } });
          if (response.ok) items = await response.json();
        } catch (error) { items = null; }
      }
      if (!Array.isArray(items)) items = localMatches(select, query);
      if (query === lastQuery) show(items);
    }

    input.addEventListener("input", () => {
      clearTimeout(timer);
      const query = input.value.trim();
      if (!query) { close(); return; }
      timer = setTimeout(() => suggest(query), 150);
    });
    input.addEventListener("keydown", (event) => {
      if (event.key === "ArrowDown" && results.length) {
        event.preventDefault();
        if (list.hidden) show(results); else highlight((active + 1) % results.length);
      } else if (event.key === "ArrowUp" && results.length) {
        event.preventDefault();
        highlight((active - 1 + results.length) % results.length);
      } else if (event.key === "Enter") {
        if (!list.hidden && active >= 0) { event.preventDefault(); choose(active); }
        else if (input.value.trim()) event.preventDefault();
      } else if (event.key === "Escape") {
        close();
      } else if (event.key === "Backspace" && !input.value) {
        const chosen = select.querySelectorAll("option:checked");
        if (chosen.length) {
          const last = chosen[chosen.length - 1];
          last.selected = false;
          renderChips();
          status.textContent = `${last.textContent.trim()} removed.`;
        }
      }
    });
    input.addEventListener("blur", () => setTimeout(close, 100));
    renderChips();
  }

  function embargoToggle(form) {
    const date = form.querySelector("input[name='embargo_until']");
    if (!date) return;
    const wrapper = date.closest(".field");
    const update = () => {
      const chosen = form.querySelector("input[name='visibility']:checked");
      wrapper.hidden = !(chosen && chosen.value === "embargoed") && !date.value && !wrapper.classList.contains("has-error");
    };
    form.querySelectorAll("input[name='visibility']").forEach((radio) => radio.addEventListener("change", update));
    update();
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("select[data-agency-picker]").forEach(setUp);
    document.querySelectorAll("form").forEach(embargoToggle);
  });
})();
