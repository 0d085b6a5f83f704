import { Injectable } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { defineJob, type JobContext } from './job';
import { JobHandler } from './job-handler.decorator';
import { JobHandlerExplorer } from './job-handler.explorer';
import { JobHandlers } from './job-queue';

const GREET_JOB = defineJob<{ to: string }>('greet');

@Injectable()
class Greeter {
  readonly greeted: string[] = [];
  private readonly greeting = 'hello';

  @JobHandler(GREET_JOB)
  greet({ to }: { to: string }, { attempt }: JobContext): Promise<void> {
    this.greeted.push(`${this.greeting} ${to} (run ${attempt})`);
    return Promise.resolve();
  }

  /** Not a handler: never registered. */
  wave(): void {}
}

@Injectable()
class SecondGreeter {
  @JobHandler(GREET_JOB)
  greet(): Promise<void> {
    return Promise.resolve();
  }
}

@Injectable()
class Mistyped {
  // @ts-expect-error The handler must take the job's payload type.
  @JobHandler(GREET_JOB)
  greet(payload: { count: number }): Promise<void> {
    return Promise.resolve(void payload);
  }
}

async function boot(...providers: (typeof Greeter | typeof SecondGreeter)[]) {
  const moduleRef = await Test.createTestingModule({
    imports: [DiscoveryModule],
    providers: [JobHandlers, JobHandlerExplorer, ...providers],
  }).compile();
  await moduleRef.init();
  return moduleRef;
}

describe('JobHandlerExplorer', () => {
  it('registers the methods marked @JobHandler at boot, bound to their provider', async () => {
    const moduleRef = await boot(Greeter);
    await moduleRef.get(JobHandlers).run({ id: 'j1', name: GREET_JOB.name, payload: { to: 'Ada' } }, 2);
    expect(moduleRef.get(Greeter).greeted).toEqual(['hello Ada (run 2)']);
    await expect(moduleRef.get(JobHandlers).run({ id: 'j2', name: 'wave', payload: {} }, 1)).rejects.toThrow(
      'No handler for job "wave"',
    );
  });

  it('refuses to boot with two handlers for one job', async () => {
    await expect(boot(Greeter, SecondGreeter)).rejects.toThrow('Job "greet" has a handler already');
  });

  it('checks the handler against the job payload type when compiled (see Mistyped)', () => {
    expect(new Mistyped()).toBeDefined();
  });
});
