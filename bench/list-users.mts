import {
  AdminCreateUserCommand,
  CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { provisionPool } from '../src/provisioning/provision-pool.ts';
import { startSmtp } from '../test/support/smtp.ts';
import { startMoto } from '../tools/moto.ts';
import { startCognitoCounter } from './counting-proxies.mts';
import { startFakeCognito } from './fake-cognito.mts';
import { killAllServers, startServer } from './servers.mts';
import { serviceSpec, snapshotServiceBuild } from './specs.mts';

/*
 * `npm run bench:list-users` (issue 13): an admin pages through every account with GET /admin/users
 * (one ListUsers of 60 per page, under the UserList quota of 30/s less the margin): the time and the
 * Cognito calls. Users are created straight in moto, concurrently; the admin's token is signed by the
 * bench (its JWKS served by the fake), Cognito's API calls go to moto through the counting proxy.
 * BENCH_USERS sets how many (10 000 by default).
 */

const REGION = 'eu-west-1';
const CREDENTIALS = { accessKeyId: 'bench', secretAccessKey: 'bench' };
const USERS = Number(process.env.BENCH_USERS ?? 10_000);
const CREATORS = 16;

async function main(): Promise<void> {
  snapshotServiceBuild();
  const stops: (() => Promise<void> | void)[] = [];
  try {
    const moto = await startMoto();
    stops.push(() => moto.stop());
    const sink = await startSmtp();
    stops.push(() => sink.stop());
    const client = new CognitoIdentityProviderClient({
      endpoint: moto.endpoint,
      region: REGION,
      credentials: CREDENTIALS,
    });
    stops.push(() => client.destroy());
    const pool = await provisionPool(client, { poolName: 'bench-list-users' });
    const creating = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: CREATORS }, async () => {
        for (let n = next++; n < USERS; n = next++) {
          await client.send(
            new AdminCreateUserCommand({
              UserPoolId: pool.userPoolId,
              Username: crypto.randomUUID(),
              MessageAction: 'SUPPRESS',
              UserAttributes: [
                { Name: 'email', Value: `list-${n}@example.com` },
                { Name: 'email_verified', Value: 'true' },
              ],
            }),
          );
        }
      }),
    );
    const createdIn = (performance.now() - creating) / 1000;
    const fake = await startFakeCognito({ region: REGION, ...pool });
    stops.push(() => fake.close());
    const cognito = await startCognitoCounter(moto.endpoint);
    stops.push(() => cognito.close());
    const spec = serviceSpec({ region: REGION, ...pool, endpoint: cognito.url }, sink.url, {
      env: { COGNITO_JWKS_URL: `${fake.endpoint}/${pool.userPoolId}/.well-known/jwks.json` },
    });
    const api = await startServer(spec);
    stops.push(() => api.stop());
    const auth = { authorization: `Bearer ${fake.mintAccessToken()}` };
    const cpuBefore = api.cpuMicros();
    const started = performance.now();
    let listed = 0;
    let pages = 0;
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `?cursor=${encodeURIComponent(cursor)}` : '';
      const res = await fetch(`${api.url}/admin/users${query}`, { headers: auth });
      if (res.status !== 200) throw new Error(`GET /admin/users answered ${res.status}: ${await res.text()}`);
      const page = (await res.json()) as { users: unknown[]; cursor: string | null };
      listed += page.users.length;
      pages++;
      cursor = page.cursor;
    } while (cursor);
    const seconds = (performance.now() - started) / 1000;
    const calls = Object.entries(cognito.tally.calls[''] ?? {});
    const listUsers = cognito.tally.calls['']?.ListUsers ?? 0;
    process.stdout.write(
      [
        `${USERS} users created in moto in ${createdIn.toFixed(1)} s (${CREATORS} concurrent AdminCreateUser).`,
        '',
        '| users listed | pages (GET /admin/users) | seconds | pages/s | Cognito calls | ListUsers/s | service CPU ms | 10 000 users, extrapolated |',
        '| --- | --- | --- | --- | --- | --- | --- | --- |',
        `| ${listed} | ${pages} | ${seconds.toFixed(1)} | ${(pages / seconds).toFixed(1)} | ${calls.map(([op, n]) => `${op} ×${n}`).join(', ')} | ` +
          `${(listUsers / seconds).toFixed(1)} | ${((api.cpuMicros() - cpuBefore) / 1000).toFixed(0)} | ` +
          `${((seconds * 10_000) / Math.max(1, listed)).toFixed(1)} s, ${Math.ceil(10_000 / 60)} ListUsers |`,
        '',
      ].join('\n'),
    );
  } finally {
    for (const stop of stops.reverse()) await stop();
  }
}

process.once('exit', killAllServers);
main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
