import { Injectable, Logger } from '@nestjs/common';

/** The lifecycle steps an operator can follow per account; each is one structured log line. */
export type AuditEvent =
  | 'signup.requested'
  | 'signup.race-withdrawn'
  | 'activation.sent'
  | 'account-exists.sent'
  | 'account.activated'
  | 'email-change.requested'
  | 'email-change.confirmation-sent'
  | 'email-change.confirmed'
  | 'email-change.cancelled'
  | 'email-change.address-taken'
  | 'signup.leftover-removed'
  | 'invitation.created'
  | 'invitation.renewed'
  | 'invitation.withdrawn'
  | 'job.dead-lettered'
  | 'admin.invited'
  | 'admin.invitation-renewed'
  | 'admin.repaired'
  | 'admin.acted-on-admin'
  | 'password-reset.requested'
  | 'password-reset.sent'
  | 'password-reset.completed'
  | 'email-change.restored'
  | 'sessions.revoked'
  | 'account.deleted'
  | 'account.disabled'
  | 'account.enabled'
  | 'mfa.enabled'
  | 'mfa.disabled'
  | 'notice.sent'
  | 'event.replayed';

/** Fields an audit line may carry: identifiers only, never an address or a secret. */
export interface AuditFields {
  username?: string;
  [field: string]: string | undefined;
}

/** The audit trail: `{"audit":"account.activated","username":"…","requestId":"…"}`. */
@Injectable()
export class AuditLog {
  private readonly logger = new Logger('Audit');

  record(event: AuditEvent, fields: AuditFields): void {
    this.logger.log({ audit: event, ...fields });
  }
}
