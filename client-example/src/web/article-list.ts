/** Newest articles first; the next page loads when the end of the list scrolls into view. */
import type { RouterOutputs } from '../api.ts';
import { formatDate, h } from './dom.ts';
import type { PageContext } from './main.ts';

type ArticleSummary = RouterOutputs['articles']['list']['items'][number];

const pageSize = 10;

export function renderArticleList(root: HTMLElement, context: PageContext): () => void {
  const list = h('ol', { class: 'articles', 'data-testid': 'article-list' });
  const status = h('p', { class: 'muted', 'data-testid': 'list-status', 'data-state': 'loading' }, 'Loading…');
  const sentinel = h('div', { class: 'sentinel', 'aria-hidden': 'true' });
  root.replaceChildren(h('h1', {}, 'Articles'), list, status, sentinel);

  let nextCursor: string | null | undefined;
  let isLoading = false;
  let isLeft = false;

  async function loadNextPage(): Promise<void> {
    if (isLoading || nextCursor === null || isLeft) return;
    isLoading = true;
    status.dataset.state = 'loading';
    status.textContent = 'Loading…';
    try {
      const page = await context.api.articles.list.query({ limit: pageSize, ...(nextCursor && { cursor: nextCursor }) });
      if (isLeft) return;
      list.append(...page.items.map(articleItem));
      nextCursor = page.nextCursor;
      status.dataset.state = nextCursor === null ? 'end' : 'more';
      status.textContent = nextCursor === null ? (list.childElementCount ? 'That is all.' : 'No articles yet.') : 'Scroll for more.';
    } catch {
      status.dataset.state = 'error';
      status.textContent = 'Could not load articles.';
    } finally {
      isLoading = false;
    }
    // A tall window can show the sentinel after one page: keep filling until it scrolls.
    if (nextCursor !== null && !isLeft && sentinel.getBoundingClientRect().top < window.innerHeight) void loadNextPage();
  }

  const observer = new IntersectionObserver((entries) => {
    if (entries.some((entry) => entry.isIntersecting)) void loadNextPage();
  });
  observer.observe(sentinel);
  void loadNextPage();

  return () => {
    isLeft = true;
    observer.disconnect();
  };
}

function articleItem(article: ArticleSummary): HTMLElement {
  return h(
    'li',
    { class: 'card' },
    h('a', { href: `#/article/${encodeURIComponent(article.slug)}`, 'data-testid': 'article-link' }, article.title),
    h('p', {}, article.description),
    h('p', { class: 'muted' }, `${article.author.username} · ${formatDate(article.createdAt)} · ${article.favoritesCount} ♥`, article.tagList.length ? ` · ${article.tagList.join(', ')}` : ''),
  );
}
