import { lintTemplate } from './support/cfn-lint';
import { readTemplate } from './support/template';

/**
 * The template linted as CloudFormation reads it (see support/cfn-lint.ts for why this way and not
 * AWS's Python cfn-lint), and a broken copy of it refused for each kind of mistake.
 */
describe('deploy/template.yaml lint', () => {
  it('is valid CloudFormation once the SAM functions are expanded, whichever conditions hold', () => {
    expect(lintTemplate(readTemplate())).toEqual([]);
  });

  const broken: [string, (t: ReturnType<typeof readTemplate>) => void, RegExp][] = [
    [
      'a misspelt property',
      (t) => {
        const queue = t.Resources.JobsQueue?.Properties ?? {};
        queue.VisibilityTimout = queue.VisibilityTimeout;
        delete queue.VisibilityTimeout;
      },
      /VisibilityTimout is not a valid property of AWS::SQS::Queue/,
    ],
    [
      'a Ref to a parameter that is not there',
      (t) => {
        const variables = t.Globals.Function.Environment?.Variables ?? {};
        variables.ACTIVATION_URL = { Ref: 'ActivationLink' };
      },
      /ActivationLink/,
    ],
    [
      'a resource that exists only with DynamoDB, used without the condition',
      (t) => {
        const variables = t.Globals.Function.Environment?.Variables ?? {};
        variables.COORDINATION_TABLE = { Ref: 'CoordinationTable' };
      },
      /CoordinationTable/,
    ],
    [
      'a required property missing',
      (t) => {
        delete t.Resources.CoordinationTable?.Properties.KeySchema;
      },
      /Required property KeySchema missing/,
    ],
    [
      'a value of the wrong type',
      (t) => {
        const table = t.Resources.CoordinationTable?.Properties ?? {};
        table.TimeToLiveSpecification = 'expiresAt';
      },
      /TimeToLiveSpecification/,
    ],
    [
      'a SAM feature the expansion does not know',
      (t) => {
        const worker = t.Resources.Worker?.Properties ?? {};
        worker.Events = { Alerts: { Type: 'SNS', Properties: { Topic: 'arn:aws:sns:eu-west-1:1:alerts' } } };
      },
      /SNS are not expanded/,
    ],
  ];

  it.each(broken)('refuses a copy with %s', (_, breakIt, expected) => {
    const copy = readTemplate();
    breakIt(copy);
    expect(lintTemplate(copy).join('\n')).toMatch(expected);
  });
});
