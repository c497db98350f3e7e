/**
 * The signed-in user's token and name, kept in localStorage and sent as `Authorization: Bearer`.
 * A bearer header (not the cookie) keeps the page free of CSRF concerns and works the same
 * whether the page is served by the API at /example or from another origin (Vite preview).
 */
export interface PageSession {
  token: string;
  username: string;
}

const key = 'conduit.session';

export function loadSession(): PageSession | null {
  const raw = localStorage.getItem(key);
  if (!raw) return null;
  try {
    const parsed = JSON.parse(raw) as Partial<PageSession>;
    return typeof parsed.token === 'string' && typeof parsed.username === 'string' ? { token: parsed.token, username: parsed.username } : null;
  } catch {
    return null;
  }
}

export function saveSession(session: PageSession | null): void {
  if (session) localStorage.setItem(key, JSON.stringify(session));
  else localStorage.removeItem(key);
}
