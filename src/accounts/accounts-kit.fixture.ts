import type { ConfigType } from '@nestjs/config';
import { Revocations } from '../auth/revocations';
import { Clock } from '../common/clock';
import { FakeCognitoGateway } from '../cognito/fake-cognito-gateway.fixture';
import type { coordinationConfig, linksConfig, rateLimitConfig } from '../config/configuration';
import { MemoryCounterStore, MemoryLock, MemoryRecordStore } from '../coordination/memory-coordination';
import type { JobDefinition } from '../jobs/job';
import { JobQueue, type QueueDepth } from '../jobs/job-queue';
import type { AccountEvents } from '../events/account-events';
import type { AuditEvent, AuditFields, AuditLog } from '../logging/audit-log';
import type { MailService } from '../mail/mail.service';
import type { MailMessage } from '../mail/mail.types';
import { AdmissionControl } from '../admission/admission-control';
import { MailBudget } from '../rate-limit/mail-budget';
import { AddressRegistry } from './address-registry';
import { EmailChangeService } from './email-change/email-change.service';
import { EmailConfirmationService } from './email-change/email-confirmation.service';
import { EmailRestoreLinks } from './email-change/email-restore-links';
import { EmailRestoreService } from './email-change/email-restore.service';
import { AccountLifecycleService } from './lifecycle/account-lifecycle.service';
import { LinkIssuer } from './links';
import { MailRequests } from './mail-requests';
import { MfaService } from './mfa/mfa.service';
import { PasswordResetLinks } from './password/password-reset-links';
import { PasswordResetService } from './password/password-reset.service';
import { PasswordService } from './password/password.service';
import { ProfileService } from './profile/profile.service';
import { ActivationService } from './signup/activation.service';
import { InvitationsService } from './signup/invitations.service';
import { SignupService } from './signup/signup.service';

/** A clock a spec moves by hand. */
export class HandClock extends Clock {
  offsetMs = 0;
  override now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
}

/** The mails sent, in order; `failNext` refuses the next one as the SMTP server would. */
export class MailOutbox {
  readonly sent: MailMessage[] = [];
  private failure?: Error;

  failNext(error: Error): void {
    this.failure = error;
  }

  send(message: MailMessage): Promise<void> {
    const failure = this.failure;
    this.failure = undefined;
    if (failure) return Promise.reject(failure);
    this.sent.push(message);
    return Promise.resolve();
  }

  to(address: string): MailMessage[] {
    return this.sent.filter((message) => message.to === address);
  }
}

/** The audit lines written, in order. */
export class AuditTrail {
  readonly lines: ({ audit: AuditEvent } & AuditFields)[] = [];

  record(audit: AuditEvent, fields: AuditFields): void {
    this.lines.push({ audit, ...fields });
  }

  events(): AuditEvent[] {
    return this.lines.map((line) => line.audit);
  }
}

/** Jobs queued and not run: a spec runs the handler itself. */
export class QueuedJobs extends JobQueue {
  readonly queued: { name: string; payload: object }[] = [];

  enqueue<Payload extends object>(job: JobDefinition<Payload>, payload: Payload): Promise<void> {
    this.queued.push({ name: job.name, payload });
    return Promise.resolve();
  }

  depth(): Promise<QueueDepth> {
    return Promise.resolve({ waiting: this.queued.length, oldestAgeMs: 0 });
  }

  schedule(): Promise<void> {
    return Promise.resolve();
  }
}

export const LINKS: ConfigType<typeof linksConfig> = {
  activation: 'https://app.test/activate?u={username}&t={token}',
  activationTtlMs: 7 * 86_400_000,
  emailConfirmation: 'https://app.test/confirm?u={username}&t={token}',
  emailConfirmationTtlMs: 86_400_000,
  passwordReset: 'https://app.test/reset?u={username}&t={token}',
  passwordResetTtlMs: 3_600_000,
  emailRestore: 'https://app.test/restore?u={username}&t={token}',
  emailRestoreTtlMs: 3 * 86_400_000,
};

/** Mails per address per hour in the kit. */
export const MAILS_PER_HOUR = 3;

/**
 * Every service of accounts/ wired as the module wires them, with the gateway, the mail server, the
 * audit log and the queue replaced by in-memory fakes and memory coordination: a unit spec acts on
 * one service and looks at what a user or an operator would notice.
 */
/** The events the flows published, by type and username, in order. */
class PublishedEvents {
  readonly published: { type: string; username: string }[] = [];
  async publish(
    type: string,
    account: { username: string } | (() => Promise<{ username: string }>),
  ): Promise<void> {
    const { username } = typeof account === 'function' ? await account() : account;
    this.published.push({ type, username });
  }
}

export function accountsKit() {
  const cognito = new FakeCognitoGateway();
  const clock = new HandClock();
  const outbox = new MailOutbox();
  const trail = new AuditTrail();
  const jobs = new QueuedJobs();
  const published = new PublishedEvents();
  const events = published as unknown as AccountEvents;
  const records = new MemoryRecordStore();
  const mail = outbox as unknown as MailService;
  const audit = trail as unknown as AuditLog;
  const coordination = { addressClaimTtlMs: 60_000 } as ConfigType<typeof coordinationConfig>;
  const rateLimit = { enabled: true, mailsPerAddressPerHour: MAILS_PER_HOUR } as ConfigType<
    typeof rateLimitConfig
  >;

  const addresses = new AddressRegistry(cognito, new MemoryLock(), records, coordination, audit);
  const revocations = new Revocations(records);
  const links = new LinkIssuer(LINKS, clock);
  const budget = new MailBudget(new MemoryCounterStore(), rateLimit, null);
  // Admission control is off here: its own specs and the flood e2e show it.
  const admission = new AdmissionControl({ enabled: false }, undefined as never, undefined as never);
  const requests = new MailRequests(budget, jobs, admission);
  const lifecycle = new AccountLifecycleService(cognito, revocations, addresses, mail, audit, clock, events);
  const invitations = new InvitationsService(cognito, addresses, links, mail, audit, clock, events);
  const resetLinks = new PasswordResetLinks(cognito, links);
  const restoreLinks = new EmailRestoreLinks(cognito, links, clock);
  return {
    cognito,
    clock,
    outbox,
    trail,
    jobs,
    published,
    records,
    revocations,
    addresses,
    lifecycle,
    invitations,
    signup: new SignupService(requests, addresses, invitations, mail, audit),
    activation: new ActivationService(cognito, addresses, audit, clock, events),
    profile: new ProfileService(cognito, clock),
    emailChanges: new EmailChangeService(requests, cognito, addresses, links, mail, audit),
    confirmations: new EmailConfirmationService(cognito, addresses, restoreLinks, lifecycle, audit, clock),
    restores: new EmailRestoreService(cognito, addresses, resetLinks, lifecycle, audit, clock),
    passwords: new PasswordService(requests, addresses, invitations, resetLinks, mail, audit),
    resets: new PasswordResetService(cognito, addresses, lifecycle, audit, clock),
    mfa: new MfaService(cognito, lifecycle, audit),
  };
}

export type AccountsKit = ReturnType<typeof accountsKit>;

/** The `u` and `t` parameters of the link in a mail's context (`…Url`). */
export function linkOf(message: MailMessage | undefined): { username: string; token: string } {
  const context = (message?.context ?? {}) as Record<string, string | undefined>;
  const url = Object.entries(context).find(([key]) => key.endsWith('Url'))?.[1];
  if (!url) throw new Error(`No link in the ${message?.template ?? 'missing'} mail`);
  const params = new URL(url).searchParams;
  return { username: params.get('u') ?? '', token: params.get('t') ?? '' };
}
