// The one door to the Rust side: the app's commands, the file pickers and import progress.

/** Calls a command; rejects with `{ code, message, field, detail }` whatever went wrong. */
export async function call(command, args) {
  const invoke = window.__TAURI__?.core?.invoke;
  if (typeof invoke !== "function") {
    throw { code: "ui.no_backend", message: "This page only works inside the ODOP Desk app." };
  }
  try {
    return await invoke(command, args);
  } catch (error) {
    throw asCommandError(error);
  }
}

/** Commands reject with `{ code, message }`; Tauri itself may reject with a string. */
export function asCommandError(error) {
  if (error && typeof error === "object" && typeof error.message === "string") {
    return {
      code: typeof error.code === "string" ? error.code : "",
      message: error.message,
      field: typeof error.field === "string" ? error.field : null,
      detail: error.detail && typeof error.detail === "object" ? error.detail : null,
    };
  }
  return { code: "", message: String(error), field: null, detail: null };
}

/** Listens to an event from the Rust side; resolves to a function that stops listening. */
export async function listen(event, handler) {
  const listenFn = window.__TAURI__?.event?.listen;
  if (typeof listenFn !== "function") return () => {};
  return listenFn(event, (e) => handler(e.payload));
}

const SHEETS = [{ name: "CSV / Excel / ODS", extensions: ["csv", "xlsx", "xls", "ods"] }];

/** The system's file picker; resolves to a path, or null when cancelled. */
export function pickFile(filters = SHEETS) {
  return call("plugin:dialog|open", { options: { multiple: false, directory: false, filters } });
}

/** Backups of the database, for the pickers. */
export const BACKUPS = [{ name: "ODOP Desk backup", extensions: ["sqlite3", "sqlite", "db"] }];

const PHOTOS = [{ name: "JPEG / PNG / WebP", extensions: ["jpg", "jpeg", "png", "webp"] }];

/** The system's file picker for a product photo; resolves to a path, or null when cancelled. */
export function pickPhoto() {
  return call("plugin:dialog|open", { options: { multiple: false, directory: false, filters: PHOTOS } });
}

const SAVED_SHEETS = [{ name: "CSV / Excel", extensions: ["csv", "xlsx"] }];

/** The system's save dialog; resolves to a path, or null when cancelled. */
export function pickSaveFile(defaultPath, filters = SAVED_SHEETS) {
  return call("plugin:dialog|save", { options: { defaultPath, filters } });
}
