/**
 * How `conduit` prints: JSON for scripts (`--json`), aligned tables and short lines for people,
 * a spinner on stderr while a call is in flight (only on a terminal, never with `--json`).
 */
import yoctoSpinner from 'yocto-spinner';

export interface Printer {
  isJson: boolean;
  /** Prints `value` as JSON, or `human()` otherwise. */
  result(value: unknown, human: () => string): void;
  /** A line for people (suppressed with --json, where stdout is for data). */
  note(text: string): void;
  /** Runs `work` with a spinner showing `label` when stderr is a terminal. */
  progress<T>(label: string, work: () => Promise<T>): Promise<T>;
}

/** @example const out = createPrinter({ isJson: false }); out.result(rows, () => formatTable(...)); */
export function createPrinter(options: { isJson: boolean; stdout?: NodeJS.WriteStream; stderr?: NodeJS.WriteStream }): Printer {
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  return {
    isJson: options.isJson,
    result(value, human) {
      stdout.write(options.isJson ? `${JSON.stringify(value)}\n` : `${human()}\n`);
    },
    note(text) {
      if (!options.isJson) stderr.write(`${text}\n`);
    },
    async progress(label, work) {
      if (options.isJson || !stderr.isTTY) return work();
      const spinner = yoctoSpinner({ text: label, stream: stderr }).start();
      try {
        return await work();
      } finally {
        spinner.stop();
      }
    },
  };
}

export interface Column<Row> {
  header: string;
  value: (row: Row) => string;
  /** Longer cells are cut with an ellipsis. */
  maxWidth?: number;
}

/**
 * @example
 * formatTable([{ header: 'SLUG', value: (a) => a.slug }], articles);
 * // SLUG
 * // how-to-train-your-dragon
 */
export function formatTable<Row>(columns: Array<Column<Row>>, rows: Row[]): string {
  const cells = rows.map((row) => columns.map((column) => truncate(oneLine(column.value(row)), column.maxWidth ?? 60)));
  const widths = columns.map((column, index) => Math.max(column.header.length, ...cells.map((line) => (line[index] ?? '').length)));
  const render = (line: string[]) =>
    line
      .map((cell, index) => (index === line.length - 1 ? cell : cell.padEnd(widths[index] ?? 0)))
      .join('  ')
      .trimEnd();
  return [render(columns.map((column) => column.header)), ...cells.map(render)].join('\n');
}

/** @example formatDate(new Date('2026-12-01T21:55:00Z')); // '2026-12-01 21:55' (UTC) */
export function formatDate(date: Date | null): string {
  return date ? date.toISOString().slice(0, 16).replace('T', ' ') : '-';
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function truncate(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}
