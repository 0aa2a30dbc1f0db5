// Uploads with drag and drop and a progress bar; without this file the form posts normally.
"use strict";

// Every file under a dropped file or folder, each remembering its path inside the folder.
function filesOf(entry, prefix = "") {
  if (entry.isFile) {
    return new Promise((resolve) => entry.file((file) => {
      file.relativePath = prefix + file.name;
      resolve([file]);
    }, () => resolve([])));
  }
  const reader = entry.createReader();
  const children = [];
  return new Promise((resolve) => {
    const readBatch = () => reader.readEntries(async (batch) => {
      if (!batch.length) {
        const nested = await Promise.all(children.map((child) => filesOf(child, `${prefix}${entry.name}/`)));
        resolve(nested.flat());
        return;
      }
      children.push(...batch);
      readBatch(); // readEntries returns at most 100 entries at a time
    }, () => resolve([]));
    readBatch();
  });
}
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("form[data-upload]").forEach((form) => {
    const inputs = Array.from(form.querySelectorAll("input[type=file]"));
    const zone = form.querySelector("[data-dropzone]");
    const bar = form.querySelector(".upload-progress");
    const status = form.querySelector(".upload-status");
    const summary = form.querySelector("[data-summary]");
    let dropped = null;

    ["dragenter", "dragover"].forEach((name) => zone.addEventListener(name, (event) => {
      event.preventDefault();
      zone.classList.add("dragging");
    }));
    ["dragleave", "drop"].forEach((name) => zone.addEventListener(name, () => zone.classList.remove("dragging")));
    zone.addEventListener("drop", async (event) => {
      event.preventDefault();
      const entries = Array.from(event.dataTransfer.items || [])
        .map((item) => (item.webkitGetAsEntry ? item.webkitGetAsEntry() : null));
      dropped = entries.every(Boolean) && entries.length
        ? (await Promise.all(entries.map(filesOf))).flat()
        : Array.from(event.dataTransfer.files);
      status.textContent = `${dropped.length} file${dropped.length === 1 ? "" : "s"} ready to upload.`;
    });

    form.addEventListener("submit", (event) => {
      const files = dropped || inputs.flatMap((input) => Array.from(input.files));
      if (!files.length) return; // let the server say what is missing
      event.preventDefault();
      const data = new FormData(form);
      data.delete("files");
      files.forEach((file) => data.append("files", file, file.relativePath || file.webkitRelativePath || file.name));
      const xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.setRequestHeader("Accept", "application/json");
      bar.hidden = false;
      bar.value = 0;
      status.textContent = "Uploading…";
      xhr.upload.addEventListener("progress", (progress) => {
        if (progress.lengthComputable) bar.value = Math.round((progress.loaded / progress.total) * 100);
      });
      xhr.addEventListener("load", () => {
        bar.value = 100;
        let reply = {};
        try { reply = JSON.parse(xhr.responseText); } catch (error) { reply = { error: "The server's answer could not be read." }; }
        if (xhr.status >= 400 || reply.error) {
          status.textContent = reply.error || `Upload failed (${xhr.status}).`;
          return;
        }
        status.textContent = "Done.";
        summary.innerHTML = reply.summary_html; // rendered and escaped by the server
        dropped = null;
        form.reset();
      });
      xhr.addEventListener("error", () => { status.textContent = "The upload failed; check the connection and try again."; });
      xhr.send(data);
    });
  });
});
