/** Records domain events straight into a test server's database, as a write path would. */
import type { TestServer } from '../helpers/test-server.ts';
import { recordEvent, type DomainEvent } from '../../src/realtime/domain-events.ts';

/** Writes `event` in a transaction, announces it after commit, and returns its id. */
export async function publishEvent(server: Pick<TestServer, 'db' | 'scaleOut'>, event: DomainEvent): Promise<string> {
  const id = await server.db.transaction().execute((trx) => recordEvent(trx, event));
  await server.scaleOut.bus.announce([id]);
  return id;
}

export function followedEvent(recipientId: string, followerName: string): DomainEvent {
  return { type: 'user.followed', recipientId, payload: { follower: { username: followerName, bio: '', image: null } } };
}
