/** TEST-ONLY: a reconnect clock that records the delays asked for and runs a timer only when the test says so. */
import type { ReconnectClock } from '@app/smpp';

export class ManualReconnectClock implements ReconnectClock {
  readonly delays: number[] = [];
  private readonly callbacks: Array<() => void> = [];

  setTimeout(callback: () => void, delayMs: number): unknown {
    this.delays.push(delayMs);
    this.callbacks.push(callback);
    return this.callbacks.length;
  }

  clearTimeout(): void {}

  fireLatest(): void {
    this.callbacks[this.callbacks.length - 1]();
  }
}
