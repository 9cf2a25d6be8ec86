import { ledgerEffectSql, replayLedger } from './ledger-effects';

describe('ledger effects', () => {
  it('replays balance and reserved from entries', () => {
    expect(
      replayLedger([
        { kind: 'topup', amount: 1_000n },
        { kind: 'reserve', amount: 300n },
        { kind: 'reserve', amount: 200n },
        { kind: 'post', amount: 300n },
        { kind: 'void', amount: 200n },
        { kind: 'reserve', amount: 50n },
        { kind: 'expire', amount: 50n },
        { kind: 'adjust', amount: -100n },
      ]),
    ).toEqual({ balance: 600n, reserved: 0n });
  });

  it('renders the same rule as SQL', () => {
    expect(ledgerEffectSql('balance', 'e')).toBe(
      "CASE e.kind WHEN 'topup' THEN e.amount WHEN 'adjust' THEN e.amount WHEN 'post' THEN -e.amount ELSE 0 END",
    );
    expect(ledgerEffectSql('reserved', 'e')).toBe(
      "CASE e.kind WHEN 'reserve' THEN e.amount WHEN 'post' THEN -e.amount WHEN 'void' THEN -e.amount WHEN 'expire' THEN -e.amount ELSE 0 END",
    );
  });
});
