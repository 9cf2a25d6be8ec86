import { MicroBatcher } from './micro-batcher';

describe('MicroBatcher', () => {
  it('runs the calls of one event-loop turn as one batch and answers each in order', async () => {
    const batches: number[][] = [];
    const batcher = new MicroBatcher<number, number>((inputs) => {
      batches.push([...inputs]);
      return Promise.resolve(inputs.map((n) => n * 10));
    });
    const results = await Promise.all([1, 2, 3].map((n) => batcher.add(n)));
    expect(results).toEqual([10, 20, 30]);
    expect(batches).toEqual([[1, 2, 3]]);
    expect(await batcher.add(4)).toBe(40);
    expect(batches).toEqual([[1, 2, 3], [4]]);
  });

  it('splits at the batch limit', async () => {
    const sizes: number[] = [];
    const batcher = new MicroBatcher<number, number>(
      (inputs) => {
        sizes.push(inputs.length);
        return Promise.resolve([...inputs]);
      },
      { maxBatch: 2 },
    );
    await Promise.all([1, 2, 3, 4, 5].map((n) => batcher.add(n)));
    expect(sizes).toEqual([2, 2, 1]);
  });

  it('retries a failed batch item by item so that only the bad item fails', async () => {
    const batcher = new MicroBatcher<number, number>((inputs) =>
      inputs.includes(13) ? Promise.reject(new Error('bad row 13')) : Promise.resolve([...inputs]),
    );
    const results = await Promise.allSettled([12, 13, 14].map((n) => batcher.add(n)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toEqual(new Error('bad row 13'));
  });

  it('holds inputs while a batch runs at the concurrency limit and sends them together afterwards', async () => {
    const batches: number[][] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const batcher = new MicroBatcher<number, number>(
      async (inputs) => {
        batches.push([...inputs]);
        if (batches.length === 1) await gate;
        return inputs.map((n) => -n);
      },
      { concurrency: 1 },
    );
    const first = batcher.add(1);
    await new Promise((resolve) => setImmediate(resolve));
    const later = [2, 3, 4].map((n) => batcher.add(n));
    await new Promise((resolve) => setImmediate(resolve));
    expect(batches).toEqual([[1]]);
    expect(batcher.waiting).toBe(3);
    release();
    expect(await Promise.all([first, ...later])).toEqual([-1, -2, -3, -4]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it('refuses a batch limit or concurrency below 1', () => {
    const run = (inputs: readonly number[]) => Promise.resolve([...inputs]);
    expect(() => new MicroBatcher(run, { maxBatch: 0 })).toThrow(RangeError);
    expect(() => new MicroBatcher(run, { concurrency: 0 })).toThrow(RangeError);
  });
});
