// @ts-check
// @swc/jest transpiles TypeScript (with decorator metadata for Nest) without type-checking;
// `npm run check` runs `tsc --noEmit` over the same files, so nothing goes unchecked.
// Plain JavaScript so that jest needs no TypeScript loader to read its own configuration.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];

const base = {
  rootDir: __dirname,
  transform: { '^.+\\.ts$': swc },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: { '^@app/([a-z-]+)$': '<rootDir>/libs/$1/src' },
  testEnvironment: 'node',
};

const dbHarness = {
  globalSetup: '<rootDir>/libs/testing/src/global-setup.ts',
  globalTeardown: '<rootDir>/libs/testing/src/global-teardown.ts',
};

/** @type {import('jest').Config} */
module.exports = {
  // Integration and e2e tests talk to real servers on a shared 2-core machine; each may still set its own.
  // A global option: jest ignores testTimeout inside a project's entry (it stayed at 5 s there).
  testTimeout: 60_000,
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs}/**/*.spec.ts'] },
    { ...base, ...dbHarness, displayName: 'int', testMatch: ['<rootDir>/{apps,libs}/**/*.int-spec.ts'] },
    { ...base, ...dbHarness, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'] },
  ],
};
