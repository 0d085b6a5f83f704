import { DYNAMODB_ACTIONS } from '../coordination/dynamodb-coordination';

/**
 * The AWS actions each function of the deployment calls, by the resource it calls them on: its IAM
 * policy, least privilege. `deploy/template.yaml` and `docs/aws.md` are held to this list by a test,
 * and the deployment e2e refuses every call a function's policy in the template does not grant.
 *
 * - `api` answers HTTP requests (self-service and the admin API): it queues jobs, and everything a
 *   route does itself (activation, confirmations, resets, sessions, admin changes, readiness).
 * - `worker` runs the queued jobs from SQS (signup, email change, forgot password): consistent reads
 *   of an address's holders, invited accounts, link seals, leftovers of old races, their mail; and
 *   backoff and dead-lettering on the queue.
 *
 * Adding an SDK call means adding its action here, to the function that reaches it.
 */

/** What a policy statement names as `Resource`. */
export type AwsResource =
  'userPool' | 'mail' | 'jobsQueue' | 'deadLetterQueue' | 'coordinationTable' | 'eventBus';

export type DeployedFunction = 'api' | 'worker';

/**
 * `ses:SendEmail` is SES v2's `SendEmail` (raw MIME content included), authorized on the identity
 * and on the configuration set it names (Amazon SES Developer Guide, "Controlling access to Amazon
 * SES", the table of SES v2 actions and their resources).
 */
const MAIL_ACTIONS = ['ses:SendEmail'] as const;

export const AWS_ACTIONS: Record<DeployedFunction, Partial<Record<AwsResource, readonly string[]>>> = {
  api: {
    userPool: [
      'cognito-idp:ListUsers',
      'cognito-idp:AdminGetUser',
      // The admin API's invitations create accounts in the request (self-service signup, in a job).
      'cognito-idp:AdminCreateUser',
      'cognito-idp:AdminUpdateUserAttributes',
      'cognito-idp:AdminDeleteUserAttributes',
      'cognito-idp:AdminSetUserPassword',
      'cognito-idp:AdminDeleteUser',
      'cognito-idp:AdminDisableUser',
      'cognito-idp:AdminEnableUser',
      'cognito-idp:AdminSetUserMFAPreference',
      'cognito-idp:AdminUserGlobalSignOut',
      // The admin API: the caller's membership asked live; the last admin kept.
      'cognito-idp:AdminListGroupsForUser',
      'cognito-idp:ListUsersInGroup',
    ],
    mail: MAIL_ACTIONS,
    // Enqueue; the depth for readiness and metrics.
    jobsQueue: ['sqs:SendMessage', 'sqs:GetQueueAttributes'],
    // The coordination store (counters, the quota schedule, locks, records), DynamoDB engine.
    coordinationTable: DYNAMODB_ACTIONS,
  },
  worker: {
    userPool: [
      'cognito-idp:ListUsers',
      'cognito-idp:AdminGetUser',
      'cognito-idp:AdminCreateUser',
      'cognito-idp:AdminUpdateUserAttributes',
      'cognito-idp:AdminDeleteUser',
    ],
    mail: MAIL_ACTIONS,
    // Backoff; the redrive policy (which names the dead-letter queue); a job's lifecycle events
    // (the signup job's account.invited) queued as delivery jobs.
    jobsQueue: ['sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes', 'sqs:SendMessage'],
    deadLetterQueue: ['sqs:GetQueueUrl', 'sqs:SendMessage'],
    coordinationTable: DYNAMODB_ACTIONS,
    // The event delivery jobs, with EVENT_BUS_NAME (src/events/eventbridge-sink.ts).
    eventBus: ['events:PutEvents'],
  },
};

/**
 * Calls authorized by the user's access token, not by IAM: no policy grants them, and the
 * function's role is not asked (Amazon Cognito Developer Guide, "Understanding API, OIDC, and
 * managed login pages authentication": the unauthenticated and token-authorized operations).
 */
export const TOKEN_AUTHORIZED_ACTIONS = [
  'cognito-idp:GetUser',
  // Self-service TOTP set-up: the user's own token enrols and prefers the authenticator.
  'cognito-idp:AssociateSoftwareToken',
  'cognito-idp:VerifySoftwareToken',
  'cognito-idp:SetUserMFAPreference',
] as const;
