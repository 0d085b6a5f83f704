import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { spawnSync } from 'node:child_process';

/*
 * `npm run test:live`: the contract suite (test/live/) against real Cognito, with the AWS credentials
 * and region of the standard chain. It provisions a throwaway pool and deletes it at the end. Without
 * credentials it does nothing and succeeds, so it can sit in any pipeline. (`npm test` runs the same
 * suite against moto behind the fidelity layer.)
 */

async function hasCredentials(): Promise<boolean> {
  const region = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (!region) return false;
  const client = new CognitoIdentityProviderClient({ region });
  try {
    await client.config.credentials();
    return true;
  } catch {
    // The chain found nothing: no credentials is the answer, not an error.
    return false;
  } finally {
    client.destroy();
  }
}

if (!(await hasCredentials())) {
  console.log('skipped: no AWS credentials');
  process.exit(0);
}
const jest = spawnSync(
  process.execPath,
  ['--experimental-vm-modules', 'node_modules/jest/bin/jest.js', '--selectProjects', 'live', '--runInBand'],
  { stdio: 'inherit', env: { ...process.env, LIVE_TARGET: 'aws' } },
);
process.exit(jest.status ?? 1);
