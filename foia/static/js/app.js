// Small progressive enhancements; every page works without this file.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  // Confirm destructive actions: <form data-confirm="Really?">
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
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
