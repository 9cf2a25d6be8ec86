import { Readable } from 'node:stream';
import { TariffCsvReader } from './tariff-csv';

async function readAll<Row>(reader: TariffCsvReader<Row>, text: string): Promise<Row[]> {
  const rows: Row[] = [];
  for await (const row of reader.rows(Readable.from([text]))) rows.push(row);
  return rows;
}

describe('TariffCsvReader.rateDeck', () => {
  it('reads valid rows with exact micro-unit costs, columns in any order, optional columns empty', async () => {
    const reader = TariffCsvReader.rateDeck();
    const rows = await readAll(
      reader,
      '\ufeffCost,Prefix,Country,MCC,MNC,Network\n0.00375,4477,gb,234,15,"Vodafone, UK"\n\n1,1,,,,\n',
    );
    expect(reader.errors).toEqual([]);
    expect(rows).toEqual([
      {
        line: 2,
        prefix: '4477',
        costPerSegment: 3750n,
        country: 'GB',
        mcc: '234',
        mnc: '15',
        network: 'Vodafone, UK',
      },
      {
        line: 4,
        prefix: '1',
        costPerSegment: 1_000_000n,
        country: null,
        mcc: null,
        mnc: null,
        network: null,
      },
    ]);
    expect(reader.validRows).toBe(2);
  });

  it('reports every kind of bad row with its line, and yields only the good ones', async () => {
    const reader = TariffCsvReader.rateDeck();
    const rows = await readAll(
      reader,
      [
        'prefix,cost,country', // 1
        '44,0.01,GB', // 2
        '+33,0.02,FR', // 3 bad prefix
        '49a,0.02,DE', // 4 bad prefix
        '1234567890123456,0.02,', // 5 prefix too long
        '34,-0.02,ES', // 6 negative
        '39,abc,IT', // 7 not a number
        '41,0.0000001,CH', // 8 more than 6 decimals
        '44,0.03,GB', // 9 duplicate of line 2
        '45,0.02', // 10 wrong column count
        '46,0.02,SE,extra', // 11 wrong column count
        '47,0.02,NOR', // 12 bad country
        '48,0.02,P1', // 13 bad country
        '351,,PT', // 14 empty rate
        '352,0.02,LU', // 15 fine
      ].join('\n'),
    );
    expect(rows.map((row) => row.prefix)).toEqual(['44', '352']);
    expect(reader.errors.map((error) => [error.line, error.column])).toEqual([
      [3, 'prefix'],
      [4, 'prefix'],
      [5, 'prefix'],
      [6, 'cost'],
      [7, 'cost'],
      [8, 'cost'],
      [9, 'prefix'],
      [10, undefined],
      [11, undefined],
      [12, 'country'],
      [13, 'country'],
      [14, 'cost'],
    ]);
    expect(reader.errors[6].message).toBe('duplicate prefix 44 (first on line 2)');
    expect(reader.errors[3].message).toBe("cost '-0.02' is negative");
    expect(reader.errors[5].message).toBe("cost '0.0000001' has more than 6 decimals");
    expect(reader.errors[7].message).toBe('expected 3 columns, found 2');
    expect(reader.totalErrors).toBe(12);
  });

  it('reports several problems of one row', async () => {
    const reader = TariffCsvReader.rateDeck();
    await readAll(reader, 'prefix,cost,mcc,mnc\nx,y,12,1\n');
    expect(reader.errors.map((error) => error.column)).toEqual(['prefix', 'cost', 'mcc', 'mnc']);
  });

  it('keeps the first errors up to the cap and counts them all', async () => {
    const reader = TariffCsvReader.rateDeck({ maxErrors: 5 });
    const lines = ['prefix,cost', ...Array.from({ length: 250 }, (_, index) => `${index},-1`)];
    await readAll(reader, lines.join('\n'));
    expect(reader.errors).toHaveLength(5);
    expect(reader.errors.map((error) => error.line)).toEqual([2, 3, 4, 5, 6]);
    expect(reader.totalErrors).toBe(250);
  });

  it.each([
    ['an unknown column', 'prefix,cost,colour\n44,1,red\n', "unknown column 'colour'"],
    ['a missing column', 'prefix,country\n44,GB\n', "missing column 'cost'"],
    ['a repeated column', 'prefix,cost,cost\n44,1,1\n', "column 'cost' appears twice"],
  ])('rejects a header with %s and reads no further', async (_name, text, message) => {
    const reader = TariffCsvReader.rateDeck();
    expect(await readAll(reader, text)).toEqual([]);
    expect(reader.errors).toEqual([{ line: 1, message: expect.stringContaining(message) }]);
    expect(reader.totalErrors).toBe(1);
  });

  it('rejects an empty file and a file without rows', async () => {
    const empty = TariffCsvReader.rateDeck();
    await readAll(empty, '\n\n');
    expect(empty.errors).toEqual([{ line: 1, message: expect.stringContaining('empty') }]);
    const headerOnly = TariffCsvReader.rateDeck();
    await readAll(headerOnly, 'prefix,cost\n');
    expect(headerOnly.errors).toEqual([{ line: 1, message: 'the file has no data rows' }]);
  });

  it('stops at a CSV syntax error, with its line', async () => {
    const reader = TariffCsvReader.rateDeck();
    const rows = await readAll(reader, 'prefix,cost\n44,1\n45,"1"x\n46,1\n');
    // Rows parsed before the error may or may not reach the consumer; nothing after it does.
    expect(rows.map((row) => row.prefix)).not.toContain('46');
    expect(reader.errors).toEqual([{ line: 3, message: expect.stringContaining('CSV syntax error') }]);
  });

  it('yields rows while the input is still being produced (streaming)', async () => {
    let produced = 0;
    const total = 50_000;
    const input = Readable.from(
      (function* () {
        yield 'prefix,cost\n';
        for (let index = 0; index < total; index += 500) {
          produced += 500;
          yield Array.from({ length: 500 }, (_, offset) => `${1_000_000 + index + offset},0.001\n`).join('');
        }
      })(),
    );
    const reader = TariffCsvReader.rateDeck();
    let count = 0;
    let producedAtFirstRow = -1;
    for await (const row of reader.rows(input)) {
      if (count === 0) producedAtFirstRow = produced;
      expect(row.costPerSegment).toBe(1000n);
      count++;
    }
    expect(count).toBe(total);
    expect(producedAtFirstRow).toBeLessThan(total / 2);
  });
});

describe('TariffCsvReader.pricePlan', () => {
  it('reads prefix and price, and rejects deck-only columns', async () => {
    const reader = TariffCsvReader.pricePlan();
    expect(await readAll(reader, 'prefix,price\n44,0.05\n')).toEqual([
      { line: 2, prefix: '44', pricePerSegment: 50_000n },
    ]);
    const withCountry = TariffCsvReader.pricePlan();
    await readAll(withCountry, 'prefix,price,country\n44,0.05,GB\n');
    expect(withCountry.errors[0].message).toContain("unknown column 'country'");
  });
});
