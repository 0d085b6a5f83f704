import { simpleParser, type AddressObject, type HeaderLines, type Headers } from 'mailparser';
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';

/** One message the sink accepted, parsed by mailparser's `simpleParser`. */
export interface ReceivedMail {
  /** Addresses of the `To:` header, lower-cased. */
  to: string[];
  /** SMTP envelope (`MAIL FROM` / `RCPT TO`), lower-cased; `RCPT TO` also covers Bcc. */
  envelope: { from: string; to: string[] };
  /** The `From:` header as written, e.g. `Cognito Accounts <no-reply@example.test>`. */
  from: string;
  /** Address of the `From:` header, lower-cased, e.g. `no-reply@example.test`. */
  fromAddress: string;
  subject: string;
  /** HTML part, or `undefined` if the message has none. */
  html: string | undefined;
  /** Plain-text part (mailparser derives one from the HTML if the message has none). */
  text: string | undefined;
  /** Top-level `Content-Type` value, lower-cased, e.g. `multipart/alternative`. */
  contentType: string;
  /** Parsed headers by lower-case name (mailparser's structured values). */
  headers: Headers;
  /** Top-level header lines as received: `{ key: 'content-type', line: 'Content-Type: ...' }`. */
  headerLines: HeaderLines;
  /** The whole message source as received (after dot-unstuffing). */
  raw: string;
  receivedAt: Date;
}

/** A delivery the sink refused on purpose (see `rejectNext` / `setRejecting`). */
export interface RefusedMail {
  envelope: { from: string; to: string[] };
  responseCode: number;
  at: Date;
}

export interface WaitForMailOptions {
  /** Default 10 s. */
  timeoutMs?: number;
  /** Wait until this many mails to the address have arrived (default 1). */
  count?: number;
}

export interface SmtpSink {
  /** `smtp://127.0.0.1:PORT` (no auth, no TLS). */
  url: string;
  host: string;
  port: number;
  /** Every accepted message, in order of arrival. */
  messages: ReceivedMail[];
  /** Every delivery refused because of `rejectNext` / `setRejecting`. */
  refused: RefusedMail[];
  /** Accepted messages addressed (envelope or `To:`) to `address`, case-insensitively. */
  mailsTo(address: string): ReceivedMail[];
  /**
   * Resolves with the `count`-th mail (default the first) to `address` once it has arrived, counting
   * mails already received since the last `clear()`. Rejects with the mailbox contents on timeout.
   */
  waitForMail(address: string, opts?: WaitForMailOptions): Promise<ReceivedMail>;
  /** Forgets received and refused messages (refusal settings stay). */
  clear(): void;
  /**
   * Refuses the next `n` messages at the end of DATA with a real SMTP error reply: `responseCode`
   * 550 (permanent) by default, e.g. 451 for a transient one.
   */
  rejectNext(n: number, responseCode?: number): void;
  /** Holds the reply to the next message's DATA for `ms` (a slow mail server), then accepts it. */
  holdNext(ms: number): void;
  /** Refuses every message (until `setRejecting(false)`), with 550 by default. */
  setRejecting(on: boolean, responseCode?: number): void;
  stop(): Promise<void>;
}

const addressesOf = (field: AddressObject | AddressObject[] | undefined): string[] =>
  (Array.isArray(field) ? field : field ? [field] : [])
    .flatMap((a) => a.value)
    .flatMap(function flat(a): string[] {
      return a.group ? a.group.flatMap(flat) : a.address ? [a.address.toLowerCase()] : [];
    });

const envelopeOf = (session: SMTPServerSession) => ({
  from: session.envelope.mailFrom ? session.envelope.mailFrom.address.toLowerCase() : '',
  to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
});

function readAll(stream: SMTPServerDataStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.once('end', () => resolve(Buffer.concat(chunks)));
    stream.once('error', reject);
  });
}

/** Starts a real SMTP server in this process on a free loopback port; every message is kept, parsed. */
export async function startSmtp(): Promise<SmtpSink> {
  const messages: ReceivedMail[] = [];
  const refused: RefusedMail[] = [];
  const waiters = new Set<() => void>();
  let rejectCount = 0;
  let rejectCode = 550;
  let rejectAll = false;
  let rejectAllCode = 550;
  let holdMs = 0;

  const notify = () => waiters.forEach((w) => w());

  const server = new SMTPServer({
    secure: false,
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    closeTimeout: 500,
    // Accept any credentials, in case the service is configured with some.
    onAuth: (auth, _session, cb) => cb(null, { user: auth.username ?? 'anonymous' }),
    onData(stream, session, callback) {
      const envelope = envelopeOf(session);
      const hold = holdMs;
      holdMs = 0;
      readAll(stream)
        .then(async (raw) => {
          if (hold > 0) await new Promise((resolve) => setTimeout(resolve, hold));
          if (rejectAll || rejectCount > 0) {
            const responseCode = rejectAll ? rejectAllCode : rejectCode;
            if (!rejectAll) rejectCount--;
            refused.push({ envelope, responseCode, at: new Date() });
            const err = new Error(
              responseCode >= 500
                ? 'Mailbox unavailable (test sink refusing)'
                : 'Try again later (test sink refusing)',
            ) as Error & { responseCode: number };
            err.responseCode = responseCode;
            callback(err);
            return;
          }
          const parsed = await simpleParser(raw, { skipImageLinks: true });
          const ct = parsed.headers.get('content-type') as { value?: string } | string | undefined;
          const fromAddress = addressesOf(parsed.from)[0] ?? '';
          messages.push({
            to: addressesOf(parsed.to),
            envelope,
            from: parsed.from?.text ?? '',
            fromAddress,
            subject: parsed.subject ?? '',
            html: parsed.html === false ? undefined : parsed.html,
            text: parsed.text,
            contentType: (typeof ct === 'string' ? ct : (ct?.value ?? 'text/plain')).toLowerCase(),
            headers: parsed.headers,
            headerLines: parsed.headerLines,
            raw: raw.toString('utf8'),
            receivedAt: new Date(),
          });
          callback(null, 'OK: queued by test sink');
          notify();
        })
        .catch((err: Error) => callback(Object.assign(err, { responseCode: 451 })));
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  // Errors after listening (e.g. a client resetting the socket) must not crash the test process.
  server.on('error', () => undefined);
  const { port } = server.server.address() as AddressInfo;
  const host = '127.0.0.1';

  const mailsTo = (address: string) => {
    const a = address.toLowerCase();
    return messages.filter((m) => m.envelope.to.includes(a) || m.to.includes(a));
  };

  const describeMailbox = () =>
    messages.length
      ? messages.map((m) => `  to ${m.envelope.to.join(', ')}: "${m.subject}"`).join('\n')
      : '  (empty)';

  const waitForMail = (address: string, { timeoutMs = 10_000, count = 1 }: WaitForMailOptions = {}) =>
    new Promise<ReceivedMail>((resolve, reject) => {
      const check = () => {
        const found = mailsTo(address);
        if (found.length < count) return false;
        finish();
        resolve(found[count - 1]);
        return true;
      };
      const timer = setTimeout(() => {
        finish();
        reject(
          new Error(
            `no${count > 1 ? ` ${count}` : ''} mail to ${address} arrived within ${timeoutMs} ms ` +
              `(got ${mailsTo(address).length}; refused on purpose: ${refused.length}). Mailbox:\n${describeMailbox()}`,
          ),
        );
      }, timeoutMs);
      const waiter = () => void check();
      const finish = () => {
        clearTimeout(timer);
        waiters.delete(waiter);
      };
      waiters.add(waiter);
      check();
    });

  let stopped: Promise<void> | undefined;
  return {
    url: `smtp://${host}:${port}`,
    host,
    port,
    messages,
    refused,
    mailsTo,
    waitForMail,
    clear: () => {
      messages.length = 0;
      refused.length = 0;
    },
    rejectNext: (n, responseCode = 550) => {
      rejectCount = n;
      rejectCode = responseCode;
    },
    holdNext: (ms) => {
      holdMs = ms;
    },
    setRejecting: (on, responseCode = 550) => {
      rejectAll = on;
      rejectAllCode = responseCode;
    },
    stop: () => (stopped ??= new Promise<void>((resolve) => server.close(() => resolve()))),
  };
}
