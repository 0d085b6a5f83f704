import { stripDoubledBearer } from './swagger-ui';

describe('stripDoubledBearer', () => {
  const sent = (authorization?: string) =>
    stripDoubledBearer({ headers: { Authorization: authorization } }).headers;

  it('sends a pasted `Bearer <token>` once prefixed, not twice', () => {
    expect(sent('Bearer Bearer eyJ.a.b')).toEqual({ Authorization: 'Bearer eyJ.a.b' });
    expect(sent('Bearer bearer  eyJ.a.b')).toEqual({ Authorization: 'Bearer eyJ.a.b' });
  });

  it('leaves a bare token, and a request without the header, as they are', () => {
    expect(sent('Bearer eyJ.a.b')).toEqual({ Authorization: 'Bearer eyJ.a.b' });
    expect(sent(undefined)).toEqual({ Authorization: undefined });
  });
});
