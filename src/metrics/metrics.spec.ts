import { IdentityProviderUnavailableError, MailUnavailableError } from '../common/errors';
import { Metrics, operationOf, outcomeOf } from './metrics';

describe('metrics labels', () => {
  it('names an outcome ok, by its domain code, or UNEXPECTED', () => {
    expect(outcomeOf()).toBe('ok');
    expect(outcomeOf(new MailUnavailableError())).toBe('MAIL_UNAVAILABLE');
    expect(outcomeOf(new IdentityProviderUnavailableError())).toBe('IDENTITY_PROVIDER_UNAVAILABLE');
    expect(outcomeOf(new TypeError('x'))).toBe('UNEXPECTED');
  });

  it('names an operation by its SDK command without the suffix', () => {
    expect(operationOf('AdminGetUserCommand')).toBe('AdminGetUser');
    expect(operationOf(undefined)).toBe('Unknown');
  });
});

describe('Metrics', () => {
  it('keeps its instruments in a registry of its own, so two can live in one process', async () => {
    const a = new Metrics();
    const b = new Metrics();
    a.mailsSent.inc();
    expect((await a.scrape()).body).toContain('mails_sent_total 1');
    expect((await b.scrape()).body).toContain('mails_sent_total 0');
    expect((await a.scrape()).contentType).toContain('text/plain');
  });

  it('reports the queue only once one is observed, read at scrape time', async () => {
    const metrics = new Metrics();
    expect((await metrics.scrape()).body).not.toContain('jobs_queue_depth');
    let waiting = 3;
    metrics.observeQueue(() => Promise.resolve({ waiting, oldestAgeMs: 1500 }));
    expect((await metrics.scrape()).body).toContain('jobs_queue_depth 3');
    waiting = 7;
    const { body } = await metrics.scrape();
    expect(body).toContain('jobs_queue_depth 7');
    expect(body).toContain('jobs_queue_oldest_age_seconds 1.5');
  });
});
