import { KeyedMutex } from './keyed-mutex';

const tick = () => new Promise((resolve) => setImmediate(resolve));

/** A job that records when it starts and ends, yielding in between. */
const recorder = (events: string[]) => (name: string) => async () => {
  events.push(`start ${name}`);
  await tick();
  events.push(`end ${name}`);
  return name;
};

describe('KeyedMutex', () => {
  it('runs work for one key one at a time, in arrival order', async () => {
    const mutex = new KeyedMutex();
    const events: string[] = [];
    const job = recorder(events);
    const results = await Promise.all([
      mutex.run('a', job('1')),
      mutex.run('a', job('2')),
      mutex.run('a', job('3')),
    ]);
    expect(results).toEqual(['1', '2', '3']);
    expect(events).toEqual(['start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3']);
  });

  it('lets different keys run side by side', async () => {
    const mutex = new KeyedMutex();
    const events: string[] = [];
    const job = recorder(events);
    await Promise.all([mutex.run('a', job('a')), mutex.run('b', job('b'))]);
    expect(events.slice(0, 2)).toEqual(['start a', 'start b']);
  });

  it('keeps going after a failure and forgets drained keys', async () => {
    const mutex = new KeyedMutex();
    const failing = mutex.run('a', () => Promise.reject(new Error('boom')));
    const next = mutex.run('a', () => Promise.resolve('ok'));
    await expect(failing).rejects.toThrow('boom');
    await expect(next).resolves.toBe('ok');
    expect(mutex.size).toBe(0);
  });
});
