import { Clock } from '../../src/common/clock';
import { startFaultProxy, type FaultProxy } from './fault-proxy';
import { ManualClock } from './manual-clock';
import { startStack, type TestStack } from './stack';

/** A stack for one `describe`: its Cognito calls through a fault proxy, its clock moved by the test. */
export interface ClockedStack {
  stack: TestStack;
  proxy: FaultProxy;
  clock: ManualClock;
}

/**
 * Registers the suite's set-up and tear-down and returns the stack's parts, filled in before the first
 * test: one Cognito attempt per call (a fault shows at once), the clock back at real time and no fault
 * left after each test.
 */
export function clockedStackForSuite(): ClockedStack {
  const parts = { clock: new ManualClock() } as ClockedStack;
  beforeAll(async () => {
    parts.stack = await startStack({
      env: { COGNITO_MAX_ATTEMPTS: '1' },
      endpointFor: async (endpoint) => {
        parts.proxy = await startFaultProxy(endpoint);
        return parts.proxy.url;
      },
      override: (builder) => builder.overrideProvider(Clock).useValue(parts.clock),
    });
  });
  afterAll(async () => {
    await parts.stack?.close();
    await parts.proxy?.close();
  });
  afterEach(() => {
    parts.clock.reset();
    parts.proxy?.clear();
  });
  return parts;
}
