// Small progressive enhancements; every page works without this file.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  // Confirm destructive actions: <form data-confirm="Really?">
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });
  // Dates: browsers show their date boxes in the reader's own order (mm/dd/yyyy, dd/mm/yyyy, ...), so the
  // hint points at the box and the date chosen is written out in words under it, weekday included.
  // A browser without date boxes gets a plain text box, which needs year-month-day: the hint says so.
  const probe = document.createElement("input");
  probe.setAttribute("type", "date");
  const nativeDates = probe.type === "date";
  const inWords = new Intl.DateTimeFormat(undefined, { weekday: "short", year: "numeric", month: "short", day: "numeric" });
  document.querySelectorAll("[data-date-format-for]").forEach((hint) => {
    const input = document.getElementById(hint.dataset.dateFormatFor);
    if (!input) return;
    if (!nativeDates) {
      hint.textContent = "As year-month-day, e.g. 2026-03-02.";
      input.placeholder = "yyyy-mm-dd";
    }
    const words = document.querySelector(`[data-date-in-words-for="${input.id}"]`);
    const say = () => {
      const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(input.value);
      if (words) words.textContent = match ? inWords.format(new Date(+match[1], +match[2] - 1, +match[3])) : "";
    };
    input.addEventListener("input", say);
    input.addEventListener("change", say);
    say();
  });
  // On narrow screens tables are shown as cards: each cell carries its column's name.
  document.querySelectorAll("table.list").forEach((table) => {
    const names = [...table.querySelectorAll("thead th")].map((th) => th.textContent.replace(/[▲▼]/g, "").trim());
    table.querySelectorAll("tbody tr").forEach((row) => {
      [...row.children].forEach((cell, index) => {
        if (names[index] && !cell.dataset.label) cell.dataset.label = names[index];
      });
    });
  });
  // Read-only addresses to copy (the calendar feed): select all on focus or click.
  document.querySelectorAll("input[data-select-on-focus]").forEach((input) => {
    const selectAll = () => input.select();
    input.addEventListener("focus", selectAll);
    input.addEventListener("click", selectAll);
  });
});
