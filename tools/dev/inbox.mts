import { readFile } from 'node:fs/promises';
import { createServer, request as forward, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Where MailDev announces each mail it stored (its SMTP server, an EventEmitter). */
interface NewMail {
  on(event: 'new', listener: () => void): unknown;
  off(event: 'new', listener: () => void): unknown;
}

export interface Inbox {
  url: string;
  stop: () => Promise<void>;
}

/**
 * The local stack's inbox page, in front of MailDev's REST API. MailDev's own page shows a mail in a
 * frame sandboxed without `allow-popups`, so the mails' buttons (links with `target="_blank"`) open
 * nothing on a plain click. This page frames the mail with popups allowed (and still no scripts);
 * `/api/…` passes to MailDev unchanged, so the page and the REST API share one origin.
 */
export async function startInbox(host: string, mailDevApi: string, mails: NewMail): Promise<Inbox> {
  const page = await readFile(new URL('inbox.html', import.meta.url));
  const listeners = new Set<ServerResponse>();
  const announce = () => {
    for (const listener of listeners) listener.write('data: new\n\n');
  };
  mails.on('new', announce);

  const server = createServer((request, response) => {
    const url = request.url ?? '/';
    if (url.startsWith('/api/')) {
      const upstream = forward(new URL(url, mailDevApi), {
        method: request.method,
        headers: request.headers,
      });
      upstream.on('response', (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      });
      upstream.on('error', (error) => response.writeHead(502).end(error.message));
      request.pipe(upstream);
      return;
    }
    if (request.method === 'GET' && url === '/events') {
      // Server-sent events: the page reloads its list when a mail arrives.
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
      response.write(': connected\n\n');
      listeners.add(response);
      request.on('close', () => listeners.delete(response));
      return;
    }
    if (request.method === 'GET' && url === '/') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
      return;
    }
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return {
    url: `http://${host}:${(server.address() as AddressInfo).port}`,
    stop: () =>
      new Promise((resolve) => {
        mails.off('new', announce);
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
