export { freePort } from './free-port';
export { createTestDatabase, useTestDatabase, withTestDatabase, type TestDatabase } from './test-database';
