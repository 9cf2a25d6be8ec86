import { rm } from 'node:fs/promises';
import type { EmbeddedPostgres } from '../../database/src/embedded-postgres';

/** What globalSetup started, for globalTeardown (both run in jest's main process, in separate module registries). */
export interface HarnessState {
  embedded: EmbeddedPostgres | undefined;
  embeddedDir: string | undefined;
}

const KEY = Symbol.for('sms-aggregator.test-harness');

export function setHarnessState(state: HarnessState): void {
  (globalThis as Record<symbol, unknown>)[KEY] = state;
}

export function takeHarnessState(): HarnessState | undefined {
  const holder = globalThis as Record<symbol, unknown>;
  const state = holder[KEY] as HarnessState | undefined;
  delete holder[KEY];
  return state;
}

/** Stops the run's embedded server, if any, and deletes its data directory. */
export async function stopEmbedded(state: HarnessState | undefined): Promise<void> {
  await state?.embedded?.stop();
  if (state?.embeddedDir !== undefined) await rm(state.embeddedDir, { recursive: true, force: true });
}
