const tsJest = (extra = {}) => [
  'ts-jest',
  {
    tsconfig: {
      module: 'commonjs',
      moduleResolution: 'node10',
      isolatedModules: false,
      ignoreDeprecations: '6.0',
      // Code that plain `node` also runs (provisioning, tools/) imports `./x.ts`; Jest resolves that
      // path as written, while the build rewrites it to `./x.js`.
      rewriteRelativeImportExtensions: false,
      allowImportingTsExtensions: true,
      sourceMap: true,
      types: ['node', 'jest'],
    },
    ...extra,
  },
];
/** The e2e and live suites boot the whole app: Swagger's plugin must see the DTOs. */
const e2eTransform = {
  '^.+\\.ts$': tsJest({
    astTransformers: {
      before: [
        {
          path: '<rootDir>/test/support/swagger-plugin-transformer.js',
          options: { classValidatorShim: true, introspectComments: true },
        },
      ],
    },
  }),
};

module.exports = {
  // The e2e specs run whole flows against real servers: seconds, not milliseconds.
  testTimeout: 30_000,
  // Holds openapi.json against the statuses the whole e2e project saw (test/support/openapi-statuses.ts).
  reporters: ['default', '<rootDir>/test/support/openapi-statuses.reporter.mts'],
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      rootDir: 'src',
      testRegex: '.*\\.spec\\.ts$',
      transform: { '^.+\\.ts$': tsJest() },
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      rootDir: '.',
      testRegex: 'test/.*\\.e2e-spec\\.ts$',
      transform: e2eTransform,
    },
    {
      // The Cognito contract: against moto behind the fidelity layer here, against AWS with
      // `npm run test:live` (LIVE_TARGET=aws).
      displayName: 'live',
      testEnvironment: 'node',
      rootDir: '.',
      testRegex: 'test/live/.*\\.live-spec\\.ts$',
      transform: e2eTransform,
    },
  ],
};
