export { spawnApp, type RunningApp } from './app-process';
export { freePort } from './free-port';
export { environmentWith } from './harness-env';
export { isProcessAlive } from './processes';
export {
  createTestDatabase,
  useTestDatabase,
  withTestDatabase,
  type TestDatabase,
  type TestDatabaseOptions,
} from './test-database';
