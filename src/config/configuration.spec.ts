import { Test } from '@nestjs/testing';
import type * as ConfigModuleFile from './config.module';
import type * as ConfigurationFile from './configuration';
import * as validation from './env.validation';
import { VALID_ENVIRONMENT } from './valid-environment.fixture';

const VALID = { ...VALID_ENVIRONMENT, REDIS_URL: 'redis://127.0.0.1:6379' };

/* eslint-disable @typescript-eslint/no-require-imports -- loaded after the environment is set */
describe('configuration', () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
    Object.assign(process.env, saved);
    jest.restoreAllMocks();
  });

  it('validates the environment once, for ConfigModule and every slice', async () => {
    Object.assign(process.env, VALID);
    const validate = jest.spyOn(validation, 'validateEnvironment');
    // Imported now: ConfigModule validates the environment when the module is defined.
    const { AppConfigModule } = require('./config.module') as typeof ConfigModuleFile;
    const { configSlices, coordinationConfig, rateLimitConfig, trustProxyFromEnvironment } =
      require('./configuration') as typeof ConfigurationFile;

    const moduleRef = await Test.createTestingModule({ imports: [AppConfigModule] }).compile();
    for (const slice of configSlices) moduleRef.get(slice.KEY);
    trustProxyFromEnvironment();

    expect(validate).toHaveBeenCalledTimes(1);
    expect(moduleRef.get(coordinationConfig.KEY)).toMatchObject({ redisUrl: VALID.REDIS_URL });
    expect(moduleRef.get(rateLimitConfig.KEY)).not.toHaveProperty('redisUrl');
  });

  it('validates again when the variables have changed (another app in the same process)', () => {
    const { demoConfig } = require('./configuration') as typeof ConfigurationFile;
    Object.assign(process.env, VALID, { DEMO_PAGES: 'true' });
    expect(demoConfig()).toEqual({ pagesEnabled: true });
    process.env.DEMO_PAGES = 'false';
    expect(demoConfig()).toEqual({ pagesEnabled: false });
    process.env.DEMO_PAGES = 'maybe';
    expect(() => demoConfig()).toThrow(/DEMO_PAGES must be true or false/);
  });

  it('defaults the queue engine to BullMQ with REDIS_URL, else memory, and reads the SES tags', () => {
    const { jobsConfig, mailConfig } = require('./configuration') as typeof ConfigurationFile;
    Object.assign(process.env, VALID, { SES_TAGS: 'app=accounts,env=prod' });
    expect(jobsConfig().engine).toBe('bullmq');
    expect(mailConfig().ses.tags).toEqual([
      { Name: 'app', Value: 'accounts' },
      { Name: 'env', Value: 'prod' },
    ]);
    delete process.env.REDIS_URL;
    expect(jobsConfig().engine).toBe('memory');
    process.env.QUEUE_ENGINE = 'sqs';
    process.env.COORDINATION_TABLE = 'accounts-coordination';
    process.env.JOBS_QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/jobs';
    expect(jobsConfig()).toMatchObject({
      engine: 'sqs',
      queueUrl: process.env.JOBS_QUEUE_URL,
      region: 'eu-west-1',
    });
  });
});
