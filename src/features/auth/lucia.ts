/**
 * lucia v3 over our Kysely database (one data-access path). lucia owns expiry and sliding
 * renewal (a session used in the second half of its 30 days is extended); we own the token
 * format (see session-tokens.ts) and the cookie attributes.
 */
import { Lucia, TimeSpan, type Adapter, type DatabaseSession, type DatabaseUser } from 'lucia';

import type { Config } from '../../config.ts';
import type { Database } from '../../db/database.ts';

export const sessionCookieName = 'conduit_session';
export const sessionLifetime = new TimeSpan(30, 'd');

export interface SessionAttributes {
  userAgent: string | null;
  ip: string | null;
}

export interface UserAttributes {
  email: string;
  username: string;
  role: 'user' | 'moderator' | 'admin';
  bio: string;
  image: string | null;
  emailVerifiedAt: Date | null;
  suspendedAt: Date | null;
}

const userColumns = ['users.email', 'users.username', 'users.role', 'users.bio', 'users.image', 'users.emailVerifiedAt', 'users.suspendedAt'] as const;

function toDatabaseUser(row: { id: string } & Omit<UserAttributes, 'role'> & { role: string }): DatabaseUser {
  const { id, ...attributes } = row;
  return { id, attributes: attributes as UserAttributes }; // role is constrained by a CHECK to the three values
}

function toDatabaseSession(row: { id: string; userId: string; expiresAt: Date; userAgent: string | null; ip: string | null }): DatabaseSession {
  return { id: row.id, userId: row.userId, expiresAt: row.expiresAt, attributes: { userAgent: row.userAgent, ip: row.ip } };
}

/** lucia's storage contract, implemented with Kysely. */
export function createKyselyLuciaAdapter(db: Database): Adapter {
  return {
    async getSessionAndUser(sessionId) {
      const row = await db
        .selectFrom('sessions')
        .innerJoin('users', 'users.id', 'sessions.userId')
        .select(['sessions.id', 'sessions.userId', 'sessions.expiresAt', 'sessions.userAgent', 'sessions.ip', ...userColumns])
        .where('sessions.id', '=', sessionId)
        .executeTakeFirst();
      if (!row) return [null, null];
      return [toDatabaseSession(row), toDatabaseUser({ ...row, id: row.userId })];
    },
    async getUserSessions(userId) {
      const rows = await db.selectFrom('sessions').select(['id', 'userId', 'expiresAt', 'userAgent', 'ip']).where('userId', '=', userId).execute();
      return rows.map(toDatabaseSession);
    },
    async setSession(session) {
      const attributes = session.attributes;
      await db
        .insertInto('sessions')
        .values({ id: session.id, userId: session.userId, expiresAt: session.expiresAt, userAgent: attributes.userAgent, ip: attributes.ip })
        .execute();
    },
    async updateSessionExpiration(sessionId, expiresAt) {
      await db.updateTable('sessions').set({ expiresAt }).where('id', '=', sessionId).execute();
    },
    async deleteSession(sessionId) {
      await db.deleteFrom('sessions').where('id', '=', sessionId).execute();
    },
    async deleteUserSessions(userId) {
      await db.deleteFrom('sessions').where('userId', '=', userId).execute();
    },
    async deleteExpiredSessions() {
      await db.deleteFrom('sessions').where('expiresAt', '<=', new Date()).execute();
    },
  };
}

/** @example const lucia = createLucia(db, config); const { session, user } = await lucia.validateSession(id); */
export function createLucia(db: Database, config: Pick<Config, 'NODE_ENV'>) {
  return new Lucia(createKyselyLuciaAdapter(db), {
    sessionExpiresIn: sessionLifetime,
    sessionCookie: {
      name: sessionCookieName,
      expires: true,
      attributes: { sameSite: 'lax', secure: config.NODE_ENV === 'production', path: '/' },
    },
    getSessionAttributes: (attributes) => attributes,
    getUserAttributes: (attributes) => attributes,
  });
}

export type AppLucia = ReturnType<typeof createLucia>;

declare module 'lucia' {
  interface Register {
    Lucia: AppLucia;
    DatabaseSessionAttributes: SessionAttributes;
    DatabaseUserAttributes: UserAttributes;
  }
}
