import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** What the page shows of each delivery: the verified event, or why it was refused. */
interface Received {
  at: string;
  verified: boolean;
  id: string;
  type: string;
  body: string;
}

export interface EventReceiver {
  /** Where the service posts (WEBHOOK_ENDPOINTS). */
  hookUrl: string;
  /** The page listing what arrived. */
  pageUrl: string;
  secret: string;
  stop: () => Promise<void>;
}

const KEPT = 200;
const escape = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

function page(received: Received[]): string {
  const rows = received
    .map(
      (event) =>
        `<tr><td>${escape(event.at)}</td><td>${event.verified ? 'verified' : '<b>refused</b>'}</td>` +
        `<td>${escape(event.type)}</td><td><code>${escape(event.id)}</code></td>` +
        `<td><pre>${escape(event.body)}</pre></td></tr>`,
    )
    .join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="2">
<title>Events received</title><style>body{font-family:system-ui,sans-serif;margin:2rem}
td{border-top:1px solid #ccc;padding:.4rem;vertical-align:top}pre{margin:0;white-space:pre-wrap}</style></head>
<body><h1>Lifecycle events received</h1>
<p>A webhook receiver like an app's: each delivery is checked with the <code>standardwebhooks</code>
library against this run's secret. Newest first; the page refreshes itself. See docs/events.md.</p>
<table><tr><th>Received</th><th>Signature</th><th>Type</th><th>Id</th><th>Event</th></tr>${rows}</table>
</body></html>`;
}

/**
 * The local stack's webhook receiver: what an app would run, verifying every delivery, with a page
 * listing what it received, so the events of one's own clicks on the demo pages show up.
 */
export async function startEventReceiver(host: string): Promise<EventReceiver> {
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  const verifier = new Webhook(secret);
  const received: Received[] = [];
  const receive = (request: IncomingMessage, response: ServerResponse, body: string) => {
    const headers = {
      'webhook-id': String(request.headers['webhook-id']),
      'webhook-timestamp': String(request.headers['webhook-timestamp']),
      'webhook-signature': String(request.headers['webhook-signature']),
    };
    let entry: Received;
    try {
      const event = verifier.verify(body, headers) as { id: string; type: string };
      entry = {
        at: new Date().toISOString(),
        verified: true,
        id: event.id,
        type: event.type,
        body: JSON.stringify(event, null, 2),
      };
    } catch (error) {
      entry = {
        at: new Date().toISOString(),
        verified: false,
        id: headers['webhook-id'],
        type: (error as Error).message,
        body,
      };
    }
    // Delivered at least once: a repeat of an id already shown is not listed twice.
    if (!received.some((other) => other.verified && other.id === entry.id)) received.unshift(entry);
    received.splice(KEPT);
    response.writeHead(entry.verified ? 204 : 400).end();
  };
  const server = createServer((request, response) => {
    if (request.method === 'POST' && request.url === '/hooks') {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => receive(request, response, Buffer.concat(chunks).toString('utf8')));
      return;
    }
    if (request.method === 'GET' && request.url === '/') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page(received));
      return;
    }
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const base = `http://${host}:${(server.address() as AddressInfo).port}`;
  return {
    hookUrl: `${base}/hooks`,
    pageUrl: `${base}/`,
    secret,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
