/**
 * The example page: sign in, browse articles (infinite scroll over the keyset cursor), open one
 * and watch its comments arrive live over Server-Sent Events, post a comment. Hash routes keep
 * it a set of static files: `#/`, `#/sign-in`, `#/article/<slug>`.
 */
import './style.css';

import { createConduitClient } from '../api.ts';
import { renderArticle } from './article-view.ts';
import { renderArticleList } from './article-list.ts';
import { h } from './dom.ts';
import { loadSession, saveSession, type PageSession } from './session-store.ts';
import { renderSignIn } from './sign-in.ts';

/** What every view gets: the typed client, the session, and a way to change it. */
export interface PageContext {
  api: ReturnType<typeof createConduitClient>;
  session: PageSession | null;
  setSession(session: PageSession | null): void;
}

// Served by the API at /example (or through Vite's /trpc proxy): the API is this origin.
let session = loadSession();
const api = createConduitClient({ baseUrl: location.origin, headers: () => (session ? { authorization: `Bearer ${session.token}` } : {}) });
const root = document.querySelector<HTMLElement>('#app');
const who = document.querySelector<HTMLElement>('#who');
/** Ends the current view's work (its subscription, its scroll observer) before the next starts. */
let leaveView: () => void = () => {};

const context: PageContext = {
  api,
  get session() {
    return session;
  },
  setSession(next) {
    session = next;
    saveSession(next);
    renderHeader();
  },
};

function renderHeader(): void {
  if (!who) return;
  const signOut = h('button', { type: 'button', class: 'link', 'data-testid': 'sign-out' }, 'Sign out');
  signOut.addEventListener('click', () => {
    // Best effort: end the session on the server; forget it here either way.
    void api.auth.logout.mutate().catch(() => undefined);
    context.setSession(null);
    route();
  });
  who.replaceChildren(...(session ? [h('span', {}, `Signed in as ${session.username} · `), signOut] : [h('a', { href: '#/sign-in' }, 'Sign in')]));
}

function route(): void {
  if (!root) return;
  leaveView();
  leaveView = () => {};
  const hash = decodeURIComponent(location.hash.replace(/^#/, '')) || '/';
  const article = /^\/article\/(.+)$/.exec(hash);
  if (article?.[1]) leaveView = renderArticle(root, context, article[1]);
  else if (hash === '/sign-in') leaveView = renderSignIn(root, context);
  else leaveView = renderArticleList(root, context);
}

window.addEventListener('hashchange', route);
renderHeader();
route();
