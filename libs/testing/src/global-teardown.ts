import { readHarness, dropDatabasesByPrefix, withAdminClient } from './harness-env';
import { stopEmbedded, takeHarnessState } from './harness-state';

/**
 * Jest globalTeardown: drops the template and every database of this run by prefix (including those of test files
 * that crashed before their own cleanup), then stops the embedded server and deletes its directory.
 */
export default async function globalTeardown(): Promise<void> {
  const harness = readHarness();
  const state = takeHarnessState();
  try {
    if (harness !== undefined) {
      await withAdminClient(harness.adminUrl, (client) => dropDatabasesByPrefix(client, harness.prefix));
    }
  } finally {
    await stopEmbedded(state);
  }
}
