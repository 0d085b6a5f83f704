import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the stand-in was asked: the form fields of each siteverify POST. */
export interface SiteverifyCall {
  secret: string | null;
  response: string | null;
}

export interface Siteverify {
  /** `http://127.0.0.1:<port>/siteverify`: give it to the service as CAPTCHA_VERIFY_URL. */
  url: string;
  calls: SiteverifyCall[];
  /** `down`: answers 500, as a provider outage. */
  mode: 'up' | 'down';
  stop(): Promise<void>;
}

/**
 * A local stand-in for a CAPTCHA provider's siteverify endpoint (Turnstile's and hCaptcha's take
 * the same form POST and answer `{ "success": … }`): `success` is true for `good-token` sent with
 * `secret`, false otherwise. The real endpoints cannot be reached from the tests.
 */
export async function startSiteverify(secret: string): Promise<Siteverify> {
  const calls: SiteverifyCall[] = [];
  const state: Siteverify = { url: '', calls, mode: 'up', stop: () => Promise.resolve() };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      calls.push({ secret: form.get('secret'), response: form.get('response') });
      if (state.mode === 'down') {
        res.writeHead(500).end('upstream failure');
        return;
      }
      const success = form.get('secret') === secret && form.get('response') === 'good-token';
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(success ? { success } : { success, 'error-codes': ['invalid-input-response'] }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/siteverify`;
  state.stop = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return state;
}
