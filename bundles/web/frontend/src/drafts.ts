// Work in a form survives the session's end: before the app sends the reader to /login it saves the open form's
// draft in sessionStorage (this tab only, gone when the tab closes); the form reads it back after the login.

const PREFIX = 'telehub.draft.';

export function saveDraft(key: string, value: Record<string, string>, store: Storage = sessionStorage): void {
  store.setItem(PREFIX + key, JSON.stringify(value));
}

export function takeDraft(key: string, store: Storage = sessionStorage): Record<string, string> | null {
  const raw = store.getItem(PREFIX + key);
  if (raw === null) return null;
  store.removeItem(PREFIX + key);
  try {
    const v = JSON.parse(raw);
    return v && typeof v === 'object' ? v : null;
  } catch {
    return null;
  }
}

/** The drafts of the forms open right now, registered by them; saved all at once when the session ends. */
const open = new Map<string, () => Record<string, string>>();

export function registerDraft(key: string, read: () => Record<string, string>): () => void {
  open.set(key, read);
  return () => {
    if (open.get(key) === read) open.delete(key);
  };
}

export function saveOpenDrafts(store: Storage = sessionStorage): number {
  let n = 0;
  for (const [key, read] of open) {
    const v = read();
    if (Object.values(v).some((s) => s !== '')) {
      saveDraft(key, v, store);
      n++;
    }
  }
  return n;
}

/** Where /login sends the reader back to: only a path of this app, never another origin. */
export function safeReturnTo(value: string | null | undefined): string {
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return '/';
  return value;
}

export function loginUrl(currentPath: string): string {
  return `/login?returnTo=${encodeURIComponent(safeReturnTo(currentPath))}`;
}
