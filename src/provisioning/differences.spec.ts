import { CUSTOM_ATTRIBUTES, VERIFICATION_ATTRIBUTE } from '../cognito/attributes.ts';
import { cognitoState, customAttribute } from './cognito-shapes.fixture.ts';
import { comparePool, type PoolState } from './differences.ts';

const whats = (state: PoolState) => comparePool(state).map((d) => `${d.where}: ${d.what} ${d.fixable}`);

describe('comparePool on shapes real Cognito returns', () => {
  it('finds nothing to report on a pool as designed, whatever else it describes', () => {
    expect(comparePool(cognitoState())).toEqual([]);
  });

  it('finds the custom attribute under its bare name as well', () => {
    const state = cognitoState();
    state.pool.SchemaAttributes = CUSTOM_ATTRIBUTES.map((name) => ({
      ...customAttribute,
      Name: name.replace(/^custom:/, ''),
    }));

    expect(comparePool(state)).toEqual([]);
  });

  it('reports a missing admin group as something provisioning creates', () => {
    const state = cognitoState();
    state.adminGroup = undefined;

    expect(whats(state)).toEqual(['pool: group admin is missing (its members may use the admin API) true']);
  });

  it('counts a pool created without UsernameConfiguration as case-sensitive, which only a new pool fixes', () => {
    const state = cognitoState();
    delete state.pool.UsernameConfiguration;

    expect(whats(state)).toEqual([
      'pool: usernames must be case-insensitive (UsernameConfiguration.CaseSensitive) false',
    ]);
  });

  it('reads a client without attribute lists as one that reads and writes every standard attribute', () => {
    const state = cognitoState();
    state.clients.frontend = { ...state.clients.frontend, ReadAttributes: undefined, WriteAttributes: [] };

    expect(whats(state)).toEqual([
      'frontend client: may read every standard attribute (no list set) true',
      'frontend client: may write every standard attribute (no list set) true',
    ]);
  });

  it('says a required email or a custom attribute of another shape needs a new pool', () => {
    const state = cognitoState();
    state.pool.SchemaAttributes = [
      { Name: 'email', AttributeDataType: 'String', Mutable: true, Required: true },
      ...CUSTOM_ATTRIBUTES.map((Name) => ({
        ...customAttribute,
        Name,
        Mutable: Name !== VERIFICATION_ATTRIBUTE,
      })),
    ];

    expect(whats(state)).toEqual([
      'pool: email must not be a required attribute (the API creates users before they have one) false',
      `pool: custom attribute ${VERIFICATION_ATTRIBUTE} must be a mutable String of up to 2048 characters false`,
    ]);
  });
});
