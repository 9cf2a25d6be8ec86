export { createTestDatabase, useTestDatabase, withTestDatabase, type TestDatabase } from './test-database';
