/**
 * Idempotency keys for mutations that create things. The first successful result is stored in
 * the same transaction as what the mutation creates, keyed by (user, key): a retry returns that
 * result and creates nothing. A retry racing the original blocks on the primary key until the
 * original commits (then it replays its result) or rolls back (then it does the work itself).
 * Failures are not stored, so a retry after an error (e.g. 503 during a database restart) runs
 * again — which is safe precisely because the failed attempt committed nothing.
 */
import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

import { sql, type Transaction, type TransactionBuilder } from 'kysely';
import superjson, { type SuperJSONResult } from 'superjson';
import { z } from 'zod';

import type { Config } from '../../config.ts';
import type { Database } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { AppError } from '../../lib/errors.ts';

export const idempotencyKeyHeader = 'idempotency-key';

/** A client-chosen key: 8–128 of letters, digits, `.`, `_`, `:` and `-` (a UUID fits). */
export const idempotencyKeySchema = z.string().regex(/^[A-Za-z0-9._:-]{8,128}$/, 'Idempotency key must be 8 to 128 of letters, digits, ".", "_", ":" or "-"');

/**
 * Adds the optional `idempotencyKey` field to a creating mutation's input schema.
 *
 * @example create: authedProcedure.input(withIdempotencyKey(createArticleInput))
 */
export function withIdempotencyKey<Shape extends z.ZodRawShape>(schema: z.ZodObject<Shape>) {
  return schema.extend({ idempotencyKey: idempotencyKeySchema.optional() });
}

export interface IdempotencyScope {
  db: Database;
  config: Pick<Config, 'IDEMPOTENCY_KEY_TTL_HOURS'>;
  request: { headers: IncomingHttpHeaders };
  user: { id: string };
}

/**
 * Runs `work` at most once per (user, key). Without a key (neither the `idempotencyKey` input
 * field nor the `Idempotency-Key` header) it simply runs `work(ctx.db)`. `work` must do all its
 * writes through the database it is given: with a key that is the claiming transaction, and a
 * `db.transaction()` inside it joins that transaction; side effects that must wait for the
 * commit (event announcements) go through `afterCommit`.
 *
 * @example
 * .mutation(({ ctx, input }) => runIdempotently(ctx, 'articles.create', input, (db) => createArticle({ ...ctx, db }, input, ctx.user)))
 */
export async function runIdempotently<Input extends { idempotencyKey?: string | undefined }, Result>(
  ctx: IdempotencyScope,
  procedure: string,
  input: Input,
  work: (db: Database, afterCommit: AfterCommit) => Promise<Result>,
): Promise<Result> {
  const key = idempotencyKeyOf(input, ctx.request.headers);
  if (key === undefined) return work(ctx.db, runNow);
  const committed: Array<() => Promise<void> | void> = [];
  const result = await claimAndRun(ctx, procedure, input, key, (db) =>
    work(db, (effect) => {
      committed.push(effect);
      return Promise.resolve();
    }),
  );
  for (const effect of committed) await effect();
  return result;
}

/**
 * Defers a side effect (e.g. announcing events) until the claiming transaction has committed:
 * work that ran "after its own commit" inside a joined transaction would otherwise act before
 * the real commit. Without a key it runs at once.
 */
export type AfterCommit = (effect: () => Promise<void> | void) => Promise<void>;

const runNow: AfterCommit = async (effect) => {
  await effect();
};

async function claimAndRun<Input extends { idempotencyKey?: string | undefined }, Result>(
  ctx: IdempotencyScope,
  procedure: string,
  input: Input,
  key: string,
  work: (db: Database) => Promise<Result>,
): Promise<Result> {
  // The key itself is not part of "the same request".
  const request = { ...input, idempotencyKey: undefined };
  const requestHash = createHash('sha256').update(procedure).update('\0').update(superjson.stringify(request)).digest('hex');

  return ctx.db.transaction().execute(async (trx) => {
    // An expired key is forgotten, so the same key may start a new operation.
    await trx
      .deleteFrom('idempotencyKeys')
      .where('userId', '=', ctx.user.id)
      .where('key', '=', key)
      .where('createdAt', '<', sql<Date>`now() - make_interval(hours => ${ctx.config.IDEMPOTENCY_KEY_TTL_HOURS})`)
      .execute();
    // Blocks while another transaction holds an uncommitted claim on the same key.
    const claimed = await trx
      .insertInto('idempotencyKeys')
      .values({ userId: ctx.user.id, key, procedure, requestHash })
      .onConflict((conflict) => conflict.columns(['userId', 'key']).doNothing())
      .returning('key')
      .executeTakeFirst();
    if (!claimed) return replay<Result>(trx, ctx.user.id, key, procedure, requestHash);

    const result = await work(joinTransaction(trx));
    await trx
      .updateTable('idempotencyKeys')
      .set({ response: sql`${JSON.stringify(superjson.serialize(result))}::jsonb` })
      .where('userId', '=', ctx.user.id)
      .where('key', '=', key)
      .execute();
    return result;
  });
}

function idempotencyKeyOf(input: { idempotencyKey?: string | undefined }, headers: IncomingHttpHeaders): string | undefined {
  if (input.idempotencyKey !== undefined) return input.idempotencyKey;
  const header = headers[idempotencyKeyHeader];
  if (header === undefined) return undefined;
  const parsed = idempotencyKeySchema.safeParse(Array.isArray(header) ? header[0] : header);
  if (!parsed.success) {
    throw new AppError('VALIDATION_ERROR', `Invalid ${idempotencyKeyHeader} header: ${parsed.error.issues[0]?.message ?? ''}`, {
      details: { header: idempotencyKeyHeader },
    });
  }
  return parsed.data;
}

async function replay<Result>(trx: Transaction<DB>, userId: string, key: string, procedure: string, requestHash: string): Promise<Result> {
  const stored = await trx
    .selectFrom('idempotencyKeys')
    .select(['procedure', 'requestHash', 'response'])
    .where('userId', '=', userId)
    .where('key', '=', key)
    .executeTakeFirstOrThrow();
  if (stored.procedure !== procedure || stored.requestHash !== requestHash || stored.response === null) {
    throw new AppError('IDEMPOTENCY_KEY_REUSED', 'This idempotency key was already used for a different request', {
      details: { procedure: stored.procedure },
    });
  }
  // Written by runIdempotently from superjson.serialize, so it has that shape.
  return superjson.deserialize<Result>(stored.response as unknown as SuperJSONResult);
}

/**
 * The transaction as a `Database` whose `transaction()` joins it instead of throwing (Kysely
 * refuses nested transactions), so feature code that opens its own transaction can run inside
 * the idempotency claim unchanged. Methods are bound to the real transaction: Kysely's classes
 * keep their state in private fields, which a Proxy receiver cannot reach.
 */
function joinTransaction(trx: Transaction<DB>): Database {
  const joined: Pick<TransactionBuilder<DB>, 'execute' | 'setIsolationLevel' | 'setAccessMode'> = {
    execute: (callback) => callback(trx),
    setIsolationLevel: () => joined as TransactionBuilder<DB>,
    setAccessMode: () => joined as TransactionBuilder<DB>,
  };
  // The proxy answers every Kysely member by the real transaction's (bound) member, plus
  // `transaction()`, so it honours the Database interface callers rely on.
  return new Proxy(trx, {
    get(target, property) {
      if (property === 'transaction') return () => joined;
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      // Any member function of the transaction; bound so `this` is the real object.
      const method = value as (...args: unknown[]) => unknown;
      return method.bind(target);
    },
  });
}
