// The API key lives in this tab's sessionStorage only: it is gone when the tab closes,
// and never reaches localStorage, a cookie or the URL.
const STORAGE_KEY = 'anchor-dashboard.api-key';

export function readApiKey(storage: Storage = sessionStorage): string | undefined {
  try {
    return storage.getItem(STORAGE_KEY) || undefined;
  } catch {
    return undefined; // storage disabled: ask again
  }
}

export function saveApiKey(apiKey: string, storage: Storage = sessionStorage): void {
  try {
    storage.setItem(STORAGE_KEY, apiKey);
  } catch {
    // Storage disabled: the key still works until the page reloads.
  }
}

export function forgetApiKey(storage: Storage = sessionStorage): void {
  try {
    storage.removeItem(STORAGE_KEY);
  } catch {
    // nothing stored
  }
}
