/**
 * One article and its comments. New comments arrive live through `comments.onAdded` (SSE);
 * ids already shown are skipped, so a comment posted here and echoed by the stream shows once.
 */
import { serverErrorOf } from '../api.ts';
import { formatDate, h, handleSubmit } from './dom.ts';
import type { PageContext } from './main.ts';

interface ShownComment {
  id: number | string;
  body: string;
  createdAt: Date;
  author: { username: string };
}

export function renderArticle(root: HTMLElement, context: PageContext, slug: string): () => void {
  const comments = h('ul', { class: 'comments', 'data-testid': 'comments' });
  const live = h('p', { class: 'muted', 'data-testid': 'live-status', 'data-state': 'connecting' }, 'Connecting to live comments…');
  const shown = new Set<string>();
  root.replaceChildren(h('p', { class: 'muted' }, 'Loading…'));

  function show(comment: ShownComment): void {
    const id = String(comment.id);
    if (shown.has(id)) return;
    shown.add(id);
    comments.append(
      h(
        'li',
        { class: 'card', 'data-testid': 'comment', 'data-id': id },
        h('p', { 'data-testid': 'comment-body' }, comment.body),
        h('p', { class: 'muted' }, `${comment.author.username} · ${formatDate(comment.createdAt)}`),
      ),
    );
  }

  void (async () => {
    try {
      const [article, existing] = await Promise.all([context.api.articles.bySlug.query({ slug }), context.api.comments.list.query({ slug })]);
      existing.items.forEach(show);
      root.replaceChildren(
        h('article', {}, h('h1', { 'data-testid': 'article-title' }, article.title), h('p', { class: 'muted' }, `${article.author.username} · ${formatDate(article.createdAt)}`), h('div', { class: 'body' }, article.body)),
        h('h2', {}, 'Comments'),
        live,
        comments,
        context.session ? commentForm(context, slug, show) : h('p', {}, h('a', { href: '#/sign-in' }, 'Sign in'), ' to comment.'),
      );
    } catch (error) {
      const server = serverErrorOf(error);
      root.replaceChildren(h('p', { class: 'error' }, server?.code === 'NOT_FOUND' ? 'No such article.' : 'Could not load the article.'));
    }
  })();

  const subscription = context.api.comments.onAdded.subscribe(
    { slug },
    {
      onStarted: () => {
        live.dataset.state = 'live';
        live.textContent = '● Live: new comments appear here as they are posted.';
      },
      onData: ({ data }) => show(data),
      onError: () => {
        live.dataset.state = 'error';
        live.textContent = 'Live comments stopped; reload to reconnect.';
      },
    },
  );
  return () => subscription.unsubscribe();
}

function commentForm(context: PageContext, slug: string, show: (comment: ShownComment) => void): HTMLElement {
  const body = h('textarea', { name: 'body', rows: '3', required: '', maxlength: '10000', 'data-testid': 'comment-input' });
  const message = h('p', { class: 'error', role: 'alert' });
  const submit = h('button', { type: 'submit' }, 'Post comment');
  const form = h('form', { class: 'card', 'data-testid': 'comment-form' }, h('label', {}, 'Add a comment', body), message, submit);
  handleSubmit(form, submit, message, async () => {
    show(await context.api.comments.add.mutate({ slug, body: body.value }));
    body.value = '';
  });
  return form;
}
