/**
 * A real SMTP server (the `smtp-server` package) on an ephemeral port that keeps every message
 * it accepts, so tests read codes and links the way a user would. It can go down and come back
 * on the same port (outage tests) and hold deliveries unanswered (crash-mid-send tests).
 */
import { EventEmitter, once } from 'node:events';

import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedEmail {
  messageId: string | undefined;
  to: string[];
  from: string | undefined;
  subject: string | undefined;
  text: string | undefined;
  html: string | undefined;
}

export interface SmtpSink {
  /** `smtp://127.0.0.1:<port>` — pass as SMTP_URL. */
  url: string;
  port: number;
  /** Every accepted message, in arrival order. */
  messages: ReceivedEmail[];
  /** Resolves with the first message (already received or arriving) matching `predicate`. */
  waitForMessage(predicate: (email: ReceivedEmail) => boolean, timeoutMs?: number): Promise<ReceivedEmail>;
  /** From now on, delivery attempts are left unanswered; resolves when the next one arrives. */
  holdNextDelivery(timeoutMs?: number): Promise<void>;
  /** Stops listening (connections are refused) until `start()`. */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  start(): Promise<void>;
  close(): Promise<void>;
}

/**
 * @example
 * const sink = await startSmtpSink();
 * const server = await startTestServer({ SMTP_URL: sink.url }, { jobs: true });
 * const email = await sink.waitForMessage((m) => m.to.includes('ada@example.com'));
 */
export async function startSmtpSink(): Promise<SmtpSink> {
  const messages: ReceivedEmail[] = [];
  const arrivals = new EventEmitter();
  let isHolding = false;

  function createServer(): SMTPServer {
    return new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      // Held connections must not keep close() waiting for its 30 s default.
      closeTimeout: 200,
      onMailFrom(_address, _session, callback) {
        // Holding: never answer, like a server that accepted the connection and then hung.
        if (isHolding) {
          arrivals.emit('held');
          return;
        }
        callback();
      },
      onData(stream, _session, callback) {
        simpleParser(stream).then(
          (parsed) => {
            const recipients = [parsed.to ?? []].flat().flatMap((group) => group.value.map((address) => address.address ?? ''));
            const email: ReceivedEmail = {
              messageId: parsed.messageId,
              to: recipients,
              from: parsed.from?.value[0]?.address,
              subject: parsed.subject,
              text: parsed.text,
              html: typeof parsed.html === 'string' ? parsed.html : undefined,
            };
            messages.push(email);
            arrivals.emit('message', email);
            callback();
          },
          (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
        );
      },
    });
  }

  let server = createServer();
  let port = 0;
  async function listen(): Promise<void> {
    server = createServer();
    const listening = server.listen(port, '127.0.0.1');
    await once(listening, 'listening');
    const address = listening.address();
    if (typeof address !== 'object' || address === null) throw new Error('SMTP sink has no address');
    port = address.port;
  }
  function closeServer(): Promise<void> {
    return new Promise((resolve) => server.close(() => resolve()));
  }
  await listen();

  return {
    get url() {
      return `smtp://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    messages,
    waitForMessage(predicate, timeoutMs = 15_000) {
      const existing = messages.find(predicate);
      if (existing) return Promise.resolve(existing);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          arrivals.off('message', onMessage);
          reject(new Error(`no matching email within ${timeoutMs} ms (received ${messages.length})`));
        }, timeoutMs);
        function onMessage(email: ReceivedEmail) {
          if (!predicate(email)) return;
          clearTimeout(timer);
          arrivals.off('message', onMessage);
          resolve(email);
        }
        arrivals.on('message', onMessage);
      });
    },
    async holdNextDelivery(timeoutMs = 15_000) {
      isHolding = true;
      await once(arrivals, 'held', { signal: AbortSignal.timeout(timeoutMs) });
    },
    stop: closeServer,
    async start() {
      isHolding = false;
      await listen();
    },
    close: closeServer,
  };
}
