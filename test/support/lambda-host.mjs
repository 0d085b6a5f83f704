// A Lambda container in miniature: imports the bundled module named by argv[2] once, then runs each
// invocation it is sent ({ id, fn, event }) and sends back { id, result } or { id, error }.
import process from 'node:process';
import { pathToFileURL } from 'node:url';

const started = Date.now();
const entry = await import(pathToFileURL(process.argv[2]).href);
let invocation = 0;

process.on('message', ({ id, fn, event }) => {
  const context = {
    functionName: fn,
    awsRequestId: `local-${++invocation}`,
    getRemainingTimeInMillis: () => 30_000,
  };
  Promise.resolve()
    .then(() => entry[fn](event, context))
    .then(
      (result) => process.send({ id, result }),
      (error) => process.send({ id, error: String(error?.stack ?? error) }),
    );
});
// Exits with the test process: the IPC channel closes when the parent dies.
process.on('disconnect', () => process.exit(0));
process.send({ ready: true, exports: Object.keys(entry), importMs: Date.now() - started });
