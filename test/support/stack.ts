import type { INestApplication } from '@nestjs/common';
import { LOG_DESTINATION } from '../../src/logging/logging.module';
import { CapturedLogs } from './captured-logs';
import type * as AppModuleFile from '../../src/app.module';
import type * as AppSetupFile from '../../src/app.setup';
import type * as ConfigurationFile from '../../src/config/configuration';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test, TestingModuleBuilder } from '@nestjs/testing';
import { startCognitoFidelity, type CognitoFidelity } from '../../tools/cognito-fidelity';
import { createPool, TestPool } from './cognito-pool';
import { applyEnv, testEnv } from './env';
import { installedMotoPython, startMoto, MotoServer } from '../../tools/moto';
import { startSmtp, SmtpSink } from './smtp';
import { recordStatuses, type StatusRecorder } from './status-recorder';

export interface AppOptions {
  /** Extra or replaced environment variables for this app. */
  env?: Record<string, string>;
  /** Fault injection at an external boundary only (see CONVENTIONS: never to make a flow pass). */
  override?: (builder: TestingModuleBuilder) => TestingModuleBuilder;
}

export interface StackOptions extends AppOptions {
  /**
   * What the service gets as COGNITO_ENDPOINT, given the fidelity layer's (which stands in front of
   * moto): e.g. a fault proxy in front of it.
   */
  endpointFor?: (cognitoEndpoint: string) => Promise<string>;
  /** The fidelity layer's ListUsers lag at start (default 0); `stack.fidelity` changes it later. */
  listUsersLagMs?: number;
  /** moto's own settings, e.g. `{ MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP: 'true' }` (real TOTP codes). */
  motoEnv?: Record<string, string>;
}

export interface TestStack {
  moto: MotoServer;
  /** Between the service (and `pool.client`) and moto: Cognito's validation, alias sign-in, lag, counts. */
  fidelity: CognitoFidelity;
  pool: TestPool;
  smtp: SmtpSink;
  app: NestFastifyApplication;
  logs: CapturedLogs;
  /** Another instance of the service on the same pool and mail server (its own in-process locks). */
  bootApp(options?: AppOptions): Promise<{ app: NestFastifyApplication; logs: CapturedLogs }>;
  close(): Promise<void>;
}

/**
 * Boots AppModule on Fastify with exactly `env` set (restored by the returned `restoreEnv`), its JSON
 * log captured: the service as `npm start` runs it, against whatever Cognito `env` names.
 */
export async function bootService(
  env: Record<string, string>,
  override?: AppOptions['override'],
  logs = new CapturedLogs(),
): Promise<{
  app: NestFastifyApplication;
  logs: CapturedLogs;
  restoreEnv: () => void;
  statuses: StatusRecorder;
}> {
  const restoreEnv = applyEnv(env);
  try {
    // Loaded after the environment is set: ConfigModule validates it when AppModule is defined.
    /* eslint-disable @typescript-eslint/no-require-imports */
    const { AppModule } = require('../../src/app.module') as typeof AppModuleFile;
    const { trustProxyFromEnvironment, httpLimitsFromEnvironment } =
      require('../../src/config/configuration') as typeof ConfigurationFile;
    const { APP_OPTIONS, buildOpenApiDocument, configureApp, createAdapter } =
      require('../../src/app.setup') as typeof AppSetupFile;
    /* eslint-enable @typescript-eslint/no-require-imports */
    let builder = Test.createTestingModule({ imports: [AppModule] })
      // The JSON log stream, captured as it would be written to stdout.
      .overrideProvider(LOG_DESTINATION)
      .useValue(logs);
    builder = override?.(builder) ?? builder;
    const moduleRef = await builder.compile();
    const app = moduleRef.createNestApplication<NestFastifyApplication>(
      createAdapter(trustProxyFromEnvironment(), httpLimitsFromEnvironment()),
      APP_OPTIONS,
    );
    configureApp(app);
    const statuses = recordStatuses(app, buildOpenApiDocument);
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    return { app, logs, restoreEnv, statuses };
  } catch (error) {
    restoreEnv();
    throw error;
  }
}

/**
 * The real service against real parts: moto's Cognito behind the fidelity layer, a pool made from
 * the pool definition (through the layer, so the definition is held to the API model too), an SMTP
 * server in this process, and AppModule booted by the Nest testing module on Fastify.
 */
export async function startStack(options: StackOptions = {}): Promise<TestStack> {
  const moto = await startMoto({ env: options.motoEnv });
  const apps: INestApplication[] = [];
  const recorders: StatusRecorder[] = [];
  const smtp = await startSmtp();
  let fidelity: CognitoFidelity | undefined;
  try {
    fidelity = await startCognitoFidelity({
      target: moto.endpoint,
      listUsersLagMs: options.listUsersLagMs,
      python: installedMotoPython(),
    });
    const pool = await createPool(fidelity.endpoint);
    // One log stream for every app of the stack.
    const logs = new CapturedLogs();
    const endpoint = (await options.endpointFor?.(fidelity.endpoint)) ?? fidelity.endpoint;
    const baseEnv = testEnv({ endpoint, pool, smtpUrl: smtp.url });
    let restoreEnv = () => {};
    const bootApp = async ({ env, override }: AppOptions = {}) => {
      // Exactly this app's variables: none left over from the previous app of the stack.
      restoreEnv();
      const booted = await bootService(
        { ...baseEnv, LOG_LEVEL: 'verbose', ...options.env, ...env },
        override ?? options.override,
        logs,
      );
      restoreEnv = booted.restoreEnv;
      apps.push(booted.app);
      recorders.push(booted.statuses);
      return { app: booted.app, logs };
    };
    const { app } = await bootApp();
    return {
      moto,
      fidelity,
      pool,
      smtp,
      app,
      logs,
      bootApp,
      close: async () => {
        const undocumented = recorders.flatMap((recorder) => recorder.check());
        await Promise.all(apps.map((a) => a.close()));
        restoreEnv();
        pool.client.destroy();
        await smtp.stop();
        await fidelity?.stop();
        await moto.stop();
        if (undocumented.length > 0) {
          throw new Error(
            `Statuses the OpenAPI document does not list for their routes (fix the route's @ApiErrorResponses or the service):\n  ${[...new Set(undocumented)].join('\n  ')}`,
          );
        }
      },
    };
  } catch (error) {
    await Promise.all(apps.map((a) => a.close()));
    await smtp.stop();
    await fidelity?.stop();
    await moto.stop();
    throw error;
  }
}
