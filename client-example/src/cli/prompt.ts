/** Reading secrets: from a pipe (`--password-stdin`) or typed at a terminal without echo. */
import { createInterface } from 'node:readline/promises';

/** @example const password = await readAllStdin(); // `echo secret | conduit login …` */
export async function readAllStdin(stdin: NodeJS.ReadStream = process.stdin): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  // Pipes usually end with a newline that is not part of the secret.
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/**
 * Asks on stderr and reads one line from the terminal without echoing it.
 *
 * @example const password = await promptHidden('Password: ');
 */
export async function promptHidden(question: string): Promise<string> {
  const stderr = process.stderr;
  const lineReader = createInterface({ input: process.stdin, output: stderr, terminal: true });
  // readline echoes through _writeToOutput; after the question it writes nothing, so the input stays hidden.
  const silenced = lineReader as unknown as { _writeToOutput: (text: string) => void };
  let isAsking = true;
  silenced._writeToOutput = (text) => {
    if (isAsking) stderr.write(text);
  };
  try {
    const answer = lineReader.question(question);
    isAsking = false;
    return await answer;
  } finally {
    stderr.write('\n');
    lineReader.close();
  }
}

/** @example const code = await promptLine('Code: '); */
export async function promptLine(question: string): Promise<string> {
  const lineReader = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await lineReader.question(question);
  } finally {
    lineReader.close();
  }
}
