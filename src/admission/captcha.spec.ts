import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CaptchaFailedError, CaptchaUnavailableError } from '../common/errors';
import { CaptchaVerifier } from './captcha';

/** A siteverify stand-in that answers with `answer`, or never when it is undefined. */
async function stand(answer?: string): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    req.resume();
    if (answer !== undefined) req.on('end', () => res.writeHead(200).end(answer));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/siteverify`, server };
}

const verifier = (verifyUrl: string, provider: 'none' | 'hcaptcha' = 'hcaptcha') =>
  new CaptchaVerifier({
    enabled: true,
    quotaShare: 1,
    windowMs: 1_000,
    maxQueueDepth: 1,
    captcha: { provider, secret: 'secret-for-tests', verifyUrl, timeoutMs: 200 },
  });

describe('CaptchaVerifier', () => {
  const servers: Server[] = [];
  afterAll(() => Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve)))));
  const at = async (answer?: string) => {
    const { url, server } = await stand(answer);
    servers.push(server);
    return verifier(url);
  };

  it('checks nothing when off', async () => {
    await expect(
      verifier('http://127.0.0.1:9/none', 'none').verify(undefined, '192.0.2.1'),
    ).resolves.toBeUndefined();
  });

  it('refuses a missing or oversized token without asking the provider', async () => {
    const check = verifier('http://127.0.0.1:9/unreachable');
    await expect(check.verify(undefined, '192.0.2.1')).rejects.toBeInstanceOf(CaptchaFailedError);
    await expect(check.verify('x'.repeat(2_049), '192.0.2.1')).rejects.toBeInstanceOf(CaptchaFailedError);
  });

  it('follows the provider: success passes, failure is CAPTCHA_FAILED', async () => {
    await expect((await at('{"success":true}')).verify('t', '192.0.2.1')).resolves.toBeUndefined();
    await expect((await at('{"success":false}')).verify('t', '192.0.2.1')).rejects.toBeInstanceOf(
      CaptchaFailedError,
    );
  });

  it('lets nothing through when the provider is slow or answers something else', async () => {
    for (const check of [await at(undefined), await at('<html>busy</html>'), await at('{"ok":1}')]) {
      await expect(check.verify('t', '192.0.2.1')).rejects.toBeInstanceOf(CaptchaUnavailableError);
    }
  });
});
