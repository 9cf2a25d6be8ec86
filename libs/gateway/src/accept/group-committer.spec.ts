import { CommitQueueFullError, GroupCommitter } from './group-committer';

describe('GroupCommitter', () => {
  it('writes items submitted together in one flush, results in input order', async () => {
    const batches: number[][] = [];
    const committer = new GroupCommitter<number, string>(
      { windowMs: 5, maxBatch: 100, maxWaiting: 1_000, maxConcurrentFlushes: 1 },
      (items) => {
        batches.push(items);
        return Promise.resolve(items.map((item) => `r${item}`));
      },
    );
    const results = await Promise.all([1, 2, 3].map((item) => committer.submit(item)));
    expect(results).toEqual(['r1', 'r2', 'r3']);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it('flushes at maxBatch and lets items accumulate while every flush slot is busy', async () => {
    const batches: number[][] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const committer = new GroupCommitter<number, number>(
      { windowMs: 60_000, maxBatch: 2, maxWaiting: 1_000, maxConcurrentFlushes: 1 },
      async (items) => {
        batches.push(items);
        await gate;
        return items;
      },
    );
    const all = [1, 2, 3, 4, 5].map((item) => committer.submit(item));
    expect(batches).toEqual([[1, 2]]);
    expect(committer.waitingCount).toBe(3);
    release();
    await Promise.all(all);
    expect(batches).toEqual([[1, 2], [3, 4], [5]]);
    await committer.whenIdle();
  });

  it('rejects every item of a failed flush and refuses beyond maxWaiting', async () => {
    const committer = new GroupCommitter<number, number>(
      { windowMs: 1, maxBatch: 10, maxWaiting: 2, maxConcurrentFlushes: 1 },
      () => Promise.reject(new Error('database down')),
    );
    const first = committer.submit(1);
    const second = committer.submit(2);
    await expect(committer.submit(3)).rejects.toBeInstanceOf(CommitQueueFullError);
    await expect(first).rejects.toThrow('database down');
    await expect(second).rejects.toThrow('database down');
  });
});
