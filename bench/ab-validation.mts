import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { median } from './report.mts';

/*
 * `node bench/ab-validation.mts <dist copy A> <dist copy B> [...]`: the app's ValidationPipe refusing an
 * invalid address, called in-process on each build's compiled code, for changes to how its 400 is
 * built, which an HTTP A/B on a busy machine cannot resolve. Rounds interleaved, order turned each
 * round; per build, the median µs per refusal and the median ratio to build A's in the same round.
 */

const ROUNDS = 15;
const PER_ROUND = 10_000;
/** Called this many frames deep, above Error.stackTraceLimit's default 10, as in a request. */
const DEPTH = 15;

interface Pipe {
  transform(value: unknown, metadata: { type: 'body'; metatype: unknown }): Promise<unknown>;
}

const require = createRequire(import.meta.url);
const builds = process.argv.slice(2).map((dir) => ({
  dir,
  pipe: (require(resolve(dir, 'common/validation.js')) as { validationPipe: Pipe }).validationPipe,
  metatype: (
    require(resolve(dir, 'accounts/email-change/dto/email-change.dto.js')) as { UpdateEmailDto: unknown }
  ).UpdateEmailDto,
}));

const deep = (depth: number, call: () => Promise<unknown>): Promise<unknown> =>
  depth === 0 ? call() : deep(depth - 1, call);

async function microsPerRefusal({ pipe, metatype }: (typeof builds)[number], count: number): Promise<number> {
  const started = process.hrtime.bigint();
  for (let i = 0; i < count; i++) {
    const refused = await deep(DEPTH, () =>
      pipe.transform({ email: 'not-an-email' }, { type: 'body', metatype }),
    ).then(
      () => false,
      (error: { getStatus?: () => number }) => error.getStatus?.() === 400,
    );
    if (!refused) throw new Error('the pipe did not answer 400');
  }
  return Number(process.hrtime.bigint() - started) / 1_000 / count;
}

if (builds.length < 2)
  throw new Error('usage: node bench/ab-validation.mts <dist copy A> <dist copy B> [...]');
for (const build of builds) await microsPerRefusal(build, PER_ROUND / 2);
const rounds = builds.map(() => [] as number[]);
for (let round = 0; round < ROUNDS; round++) {
  const order = builds.map((_, i) => i);
  if (round % 2 === 1) order.reverse();
  for (const i of order) rounds[i]?.push(await microsPerRefusal(builds[i], PER_ROUND));
}
for (const [i, build] of builds.entries()) {
  const own = rounds[i] ?? [];
  const ratio = median(own.map((micros, round) => micros / (rounds[0]?.[round] ?? NaN)));
  process.stdout.write(`${build.dir}: ${median(own).toFixed(2)} µs per refusal, ${ratio.toFixed(3)}× A\n`);
}
