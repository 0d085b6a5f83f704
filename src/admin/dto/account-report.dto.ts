import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';

export const REPAIR_KINDS = ['expired-invitations', 'duplicate-emails', 'expired-email-changes'] as const;
export type RepairKind = (typeof REPAIR_KINDS)[number];

export class ExpiredInvitationDto {
  username: string;
  email: string | null;
  expiredAt: string;
}

export class UnverifiedAccountDto {
  username: string;
  email: string | null;
}

export class HolderDto {
  username: string;
  state: string;
}

export class DuplicateEmailDto {
  email: string;
  holders: HolderDto[];
}

export class ExpiredEmailChangeDto {
  username: string;
  pendingEmail: string | null;
  /** When its link expired; null for a spent or unreadable secret left behind. */
  expiredAt: string | null;
}

/** What the scan of every account found wrong. */
export class AccountReportDto {
  generatedAt: string;
  /** Accounts scanned. */
  accounts: number;
  /** Invited accounts whose activation link no longer works (repair: remove them; also on a schedule). */
  expiredInvitations: ExpiredInvitationDto[];
  /** Active accounts without a verified email: they can never reset their password (no repair). */
  unverifiedActive: UnverifiedAccountDto[];
  /** Addresses held by more than one account (repair: remove the not-activated extras). */
  duplicateEmails: DuplicateEmailDto[];
  /** Email changes pending past their link's expiry (repair: clear them). */
  expiredEmailChanges: ExpiredEmailChangeDto[];
}

export class RepairKindParamDto {
  @ApiProperty({ enum: REPAIR_KINDS })
  @IsIn(REPAIR_KINDS)
  kind: RepairKind;
}

export class RepairChangeDto {
  username: string;
  @ApiProperty({ enum: ['deleted', 'pending-change-cleared'] })
  action: 'deleted' | 'pending-change-cleared';
}

export class RepairFailureDto {
  username: string;
  /** The error code, e.g. USER_NOT_FOUND, or UNEXPECTED. */
  code: string;
}

export class RepairResultDto {
  @ApiProperty({ enum: REPAIR_KINDS })
  kind: RepairKind;
  changed: RepairChangeDto[];
  failed: RepairFailureDto[];
}
