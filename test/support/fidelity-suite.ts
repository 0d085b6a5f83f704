import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { randomUUID } from 'node:crypto';
import { startCognitoFidelity, type CognitoFidelity } from '../../tools/cognito-fidelity';
import { installedMotoPython, startMoto, type MotoServer } from '../../tools/moto';
import { createPool, type TestPool } from './cognito-pool';

export interface FidelitySuite {
  moto: MotoServer;
  layer: CognitoFidelity;
  /** Made through the layer, so the pool definition is held to the API model too. */
  pool: TestPool;
  /** A user with a permanent password and the given email (verified or not); its username. */
  createUser(email: string, password: string, verified: boolean): Promise<string>;
}

/**
 * Registers the suite's set-up (moto with `motoEnv`, the fidelity layer judging time on `now`, a
 * pool) and tear-down; the returned parts are filled in before the first test.
 */
export function fidelitySuite(now: () => number, motoEnv?: Record<string, string>): FidelitySuite {
  const suite = {
    createUser: async (email, password, verified) => {
      const { client, userPoolId: UserPoolId } = suite.pool;
      const Username = randomUUID();
      await client.send(
        new AdminCreateUserCommand({
          UserPoolId,
          Username,
          MessageAction: 'SUPPRESS',
          UserAttributes: [
            { Name: 'email', Value: email },
            { Name: 'email_verified', Value: String(verified) },
          ],
        }),
      );
      await client.send(
        new AdminSetUserPasswordCommand({ UserPoolId, Username, Password: password, Permanent: true }),
      );
      return Username;
    },
  } as FidelitySuite;

  beforeAll(async () => {
    suite.moto = await startMoto({ env: motoEnv });
    suite.layer = await startCognitoFidelity({
      target: suite.moto.endpoint,
      python: installedMotoPython(),
      now,
    });
    suite.pool = await createPool(suite.layer.endpoint);
  });

  afterAll(async () => {
    suite.pool?.client.destroy();
    await suite.layer?.stop();
    await suite.moto?.stop();
  });

  return suite;
}
