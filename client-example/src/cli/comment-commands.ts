/** `conduit comments tail <slug>`: the last comments, then new ones live until Ctrl-C. */
import type { Command } from 'commander';

import type { CommandRunner } from './command-runner.ts';
import { integerOption } from './article-commands.ts';
import { formatDate } from './output.ts';

interface PrintableComment {
  id: number | string;
  body: string;
  createdAt: Date;
  author: { username: string };
}

export function registerCommentCommands(program: Command, run: CommandRunner): void {
  const comments = program.command('comments').description('follow the conversation under an article');

  comments
    .command('tail')
    .description('print the latest comments, then each new one as it is posted (Ctrl-C to stop)')
    .argument('<slug>', 'the article slug')
    .option('-n, --lines <n>', 'how many existing comments to print first', integerOption(0, 1000), 10)
    .addHelpText('after', '\nWith --json every comment is one JSON line (NDJSON).\n\nExample:\n  $ conduit comments tail how-to-train-your-dragon')
    .action(
      run(async ({ session, out, options, args }) => {
        const slug = args[0] ?? '';
        const lines = options.lines as number;
        const print = (comment: PrintableComment) =>
          out.result(comment, () => `[${formatDate(comment.createdAt)}] ${comment.author.username}: ${comment.body.replace(/\s+/g, ' ').trim()}`);

        const { items } = await out.progress('Loading comments', () => session.api.comments.list.query({ slug }));
        for (const comment of lines > 0 ? items.slice(-lines) : []) print(comment);

        // Runs until Ctrl-C (exit 0) or until the server ends the stream with an error.
        await new Promise<void>((resolve, reject) => {
          const subscription = session.api.comments.onAdded.subscribe(
            { slug },
            {
              onStarted: () => out.note(`Watching comments on ${slug} at ${session.url} (Ctrl-C to stop)`),
              onData: (envelope) => print(envelope.data),
              onError: (error) => {
                stop();
                reject(error);
              },
            },
          );
          const onSignal = () => {
            stop();
            resolve();
          };
          function stop() {
            process.off('SIGINT', onSignal);
            process.off('SIGTERM', onSignal);
            subscription.unsubscribe();
          }
          process.on('SIGINT', onSignal);
          process.on('SIGTERM', onSignal);
        });
      }),
    );
}
