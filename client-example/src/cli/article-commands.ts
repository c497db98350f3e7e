/** `conduit articles list|get|create|favorite`. */
import { readFile } from 'node:fs/promises';

import { InvalidArgumentError, type Command } from 'commander';

import type { RouterOutputs } from '../api.ts';
import type { CommandRunner } from './command-runner.ts';
import { UsageError } from './exit-codes.ts';
import { formatDate, formatTable } from './output.ts';
import { readAllStdin } from './prompt.ts';

type ArticleSummary = RouterOutputs['articles']['list']['items'][number];
type Article = RouterOutputs['articles']['bySlug'];

/** Commander option parser: an integer within [min, max] (a bad value is a usage error, exit 2). */
export function integerOption(min: number, max: number) {
  return (raw: string): number => {
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}`);
    return value;
  };
}

const collect = (value: string, previous: string[]) => [...previous, value];

export function registerArticleCommands(program: Command, run: CommandRunner): void {
  const articles = program.command('articles').description('list, read, write and favorite articles');

  articles
    .command('list')
    .description('newest articles first, one page at a time')
    .option('--tag <tag>', 'only articles with this tag')
    .option('--author <username>', 'only articles by this author')
    .option('--favorited-by <username>', 'only articles this user favorited')
    .option('-n, --limit <n>', 'articles per page (1-100)', integerOption(1, 100), 20)
    .option('--cursor <cursor>', 'the page after this cursor (printed under each page)')
    .addHelpText('after', '\nExamples:\n  $ conduit articles list --tag dragons\n  $ conduit articles list --json | jq -r ".items[].slug"')
    .action(
      run(async ({ session, out, options }) => {
        const opts = options as { tag?: string; author?: string; favoritedBy?: string; limit: number; cursor?: string };
        const page = await out.progress('Loading articles', () =>
          session.api.articles.list.query({
            limit: opts.limit,
            ...(opts.tag && { tag: opts.tag }),
            ...(opts.author && { author: opts.author }),
            ...(opts.favoritedBy && { favoritedBy: opts.favoritedBy }),
            ...(opts.cursor && { cursor: opts.cursor }),
          }),
        );
        out.result(page, () => (page.items.length ? articleTable(page.items) : 'No articles.'));
        if (page.nextCursor) out.note(`More: conduit articles list --cursor ${page.nextCursor}`);
      }),
    );

  articles
    .command('get')
    .description('one article with its body')
    .argument('<slug>', 'the article slug')
    .action(
      run(async ({ session, out, args }) => {
        const article = await out.progress('Loading the article', () => session.api.articles.bySlug.query({ slug: args[0] ?? '' }));
        out.result(article, () => describeArticle(article));
      }),
    );

  articles
    .command('create')
    .description('publish an article (signed in)')
    .requiredOption('-t, --title <title>', 'the title (the slug is derived from it)')
    .option('-d, --description <text>', 'a one-line summary', '')
    .option('-b, --body <markdown>', 'the body; or use --body-file')
    .option('--body-file <path>', 'read the body from a file ("-" for standard input)')
    .option('--tag <tag>', 'a tag (repeat for more, at most 10)', collect, [])
    .addHelpText('after', '\nExample:\n  $ conduit articles create -t "How to train your dragon" -d "Ever wonder how?" --body-file post.md --tag dragons --tag training')
    .action(
      run(async ({ session, out, options }) => {
        const opts = options as { title: string; description: string; body?: string; bodyFile?: string; tag: string[] };
        if ((opts.body === undefined) === (opts.bodyFile === undefined)) throw new UsageError('give the body with exactly one of --body or --body-file');
        const body = opts.body ?? (opts.bodyFile === '-' ? await readAllStdin() : await readFile(opts.bodyFile ?? '', 'utf8'));
        session.requireToken();
        const article = await out.progress('Publishing', () =>
          session.api.articles.create.mutate({ title: opts.title, description: opts.description, body, tagList: opts.tag }),
        );
        out.result(article, () => `Published ${article.slug}`);
      }),
    );

  articles
    .command('favorite')
    .description('favorite an article (or take it back with --undo)')
    .argument('<slug>', 'the article slug')
    .option('--undo', 'unfavorite instead')
    .action(
      run(async ({ session, out, options, args }) => {
        const slug = args[0] ?? '';
        session.requireToken();
        const article = await out.progress('Saving', () =>
          options.undo ? session.api.articles.unfavorite.mutate({ slug }) : session.api.articles.favorite.mutate({ slug }),
        );
        out.result(article, () => `${article.favorited ? 'Favorited' : 'Unfavorited'} ${article.slug} (${article.favoritesCount} ♥)`);
      }),
    );
}

function articleTable(items: ArticleSummary[]): string {
  return formatTable(
    [
      { header: 'SLUG', value: (article) => article.slug, maxWidth: 40 },
      { header: 'TITLE', value: (article) => article.title, maxWidth: 50 },
      { header: 'AUTHOR', value: (article) => article.author.username },
      { header: '♥', value: (article) => `${article.favoritesCount}${article.favorited ? '*' : ''}` },
      { header: 'TAGS', value: (article) => article.tagList.join(','), maxWidth: 30 },
      { header: 'CREATED (UTC)', value: (article) => formatDate(article.createdAt) },
    ],
    items,
  );
}

function describeArticle(article: Article): string {
  return [
    article.title,
    `by ${article.author.username} · ${formatDate(article.createdAt)} UTC · ${article.favoritesCount} ♥${article.favorited ? ' (you)' : ''}`,
    article.tagList.length ? `tags: ${article.tagList.join(', ')}` : '',
    article.description ? `\n${article.description}` : '',
    `\n${article.body}`,
  ]
    .filter((line) => line !== '')
    .join('\n');
}
