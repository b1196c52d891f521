import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** One message the catcher received, parsed. */
export interface CaughtMessage {
  /** Envelope recipients (RCPT TO), lower-case. */
  to: string[];
  from: string;
  subject: string;
  text: string;
  html: string | null;
  /** Every http(s) URL in the text body, in order. */
  links: string[];
  /** The raw message as received. */
  raw: string;
}

export interface SmtpCatcher {
  /** smtp://127.0.0.1:<port>, for SMTP_URL. */
  url: string;
  port: number;
  messages: CaughtMessage[];
  /**
   * The first message (already caught or still to come) matching `predicate`; rejects after
   * `timeoutMs` naming what was caught instead.
   */
  waitForMessage(
    predicate: (message: CaughtMessage) => boolean,
    timeoutMs?: number,
  ): Promise<CaughtMessage>;
  /** Messages to `address` (case-insensitive). */
  messagesTo(address: string): CaughtMessage[];
  close(): Promise<void>;
}

/**
 * A real SMTP server on loopback (smtp-server, no TLS, any or no credentials accepted) that
 * keeps every message it receives, parsed with mailparser: tests point SMTP_URL at it and
 * follow the links in what arrives.
 */
export async function startSmtpCatcher(): Promise<SmtpCatcher> {
  const messages: CaughtMessage[] = [];
  const waiters = new Set<(message: CaughtMessage) => void>();
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    authOptional: true,
    logger: false,
    onAuth(_auth, _session, callback) {
      callback(null, { user: 'test' });
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', callback);
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        simpleParser(raw)
          .then((parsed) => {
            const text = parsed.text ?? '';
            const message: CaughtMessage = {
              to: session.envelope.rcptTo.map(({ address }) =>
                address.toLowerCase(),
              ),
              from: parsed.from?.text ?? '',
              subject: parsed.subject ?? '',
              text,
              html: typeof parsed.html === 'string' ? parsed.html : null,
              links: text.match(/https?:\/\/[^\s<>"]+/g) ?? [],
              raw,
            };
            messages.push(message);
            for (const waiter of waiters) {
              waiter(message);
            }
            callback();
          })
          .catch((error: Error) => callback(error));
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    messages,
    messagesTo: (address) =>
      messages.filter((message) => message.to.includes(address.toLowerCase())),
    waitForMessage(predicate, timeoutMs = 5000) {
      const caught = messages.find(predicate);
      if (caught) {
        return Promise.resolve(caught);
      }
      return new Promise((resolve, reject) => {
        const waiter = (message: CaughtMessage) => {
          if (predicate(message)) {
            clearTimeout(timer);
            waiters.delete(waiter);
            resolve(message);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(
            new Error(
              `no matching message within ${timeoutMs} ms; caught: ${JSON.stringify(
                messages.map(({ to, subject }) => ({ to, subject })),
              )}`,
            ),
          );
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
      }),
  };
}

/** The token in a console link's fragment (`…/verify-email#token=…`). */
export function tokenFromLink(link: string): string {
  const token = new URL(link).hash.replace(/^#/, '');
  return new URLSearchParams(token).get('token') ?? '';
}
