import type { ALBEvent } from 'aws-lambda';
import { albClientIp, isAlbEvent, withAlbClientIp } from './alb-client-ip';

const albEvent = (headers: Partial<Pick<ALBEvent, 'headers' | 'multiValueHeaders'>>): ALBEvent => ({
  requestContext: { elb: { targetGroupArn: 'arn:aws:elasticloadbalancing:eu-west-1:1:targetgroup/api/1' } },
  httpMethod: 'GET',
  path: '/health',
  body: null,
  isBase64Encoded: false,
  ...headers,
});

describe('the client address of ALB events', () => {
  it('is the last X-Forwarded-For entry, the one the ALB appended; earlier ones are the client’s own', () => {
    expect(albClientIp(albEvent({ headers: { 'x-forwarded-for': '203.0.113.9' } }))).toBe('203.0.113.9');
    expect(albClientIp(albEvent({ headers: { 'X-Forwarded-For': '1.2.3.4, 198.51.100.7' } }))).toBe(
      '198.51.100.7',
    );
    expect(
      albClientIp(albEvent({ multiValueHeaders: { 'x-forwarded-for': ['1.2.3.4', '2001:db8::7'] } })),
    ).toBe('2001:db8::7');
  });

  it('is none when the header carries no address, and the event is then left as it is', () => {
    for (const headers of [{}, { 'x-forwarded-for': 'unknown' }, { 'x-forwarded-for': '1.2.3.4, ' }]) {
      const event = albEvent({ headers });
      expect(albClientIp(event)).toBeUndefined();
      expect(withAlbClientIp(event)).toBe(event);
    }
  });

  it('is handed over where the Lambda adapter reads a source address; other events are no ALB events', () => {
    const event = withAlbClientIp(albEvent({ headers: { 'x-forwarded-for': '198.51.100.7' } }));
    expect(event.requestContext).toMatchObject({ identity: { sourceIp: '198.51.100.7' } });
    expect(isAlbEvent(event)).toBe(true);
    expect(isAlbEvent({ requestContext: { http: { sourceIp: '203.0.113.7' } } })).toBe(false);
  });
});
