import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { Clock } from '../common/clock';
import { generateSecret } from '../common/secrets';
import { linksConfig } from '../config/configuration';

/** Fills a link template's `{username}` and `{token}` placeholders, URL-encoded. */
export function buildLink(template: string, values: { username: string; token: string }): string {
  return template
    .replaceAll('{username}', encodeURIComponent(values.username))
    .replaceAll('{token}', encodeURIComponent(values.token));
}

/** The links the service mails, each with its URL template and lifetime in the configuration. */
export type LinkKind = 'activation' | 'emailConfirmation' | 'passwordReset' | 'emailRestore';

export interface IssuedLink {
  /** The secret the link carries: sealed on the account (link-secret.ts), never stored or logged. */
  token: string;
  url: string;
  expiresAt: Date;
}

/** New links: a fresh token, the URL that carries it, and when it stops working. */
@Injectable()
export class LinkIssuer {
  constructor(
    @Inject(linksConfig.KEY) private readonly links: ConfigType<typeof linksConfig>,
    private readonly clock: Clock,
  ) {}

  issue(kind: LinkKind, username: string): IssuedLink {
    const token = generateSecret();
    return {
      token,
      url: buildLink(this.links[kind], { username, token }),
      expiresAt: new Date(this.clock.now().getTime() + this.lifetimeMs(kind)),
    };
  }

  /** How long a link of this kind works. */
  lifetimeMs(kind: LinkKind): number {
    return this.links[`${kind}TtlMs`];
  }
}
