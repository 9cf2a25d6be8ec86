import { Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { currentCorrelationId, withCorrelation } from './correlation';
import { createAppLogger, JsonLogger, PrettyLogger, type JsonLogLine } from './json-logger';
import { redact, REDACTED } from './redact';

function capture(options: ConstructorParameters<typeof JsonLogger>[0] = {}): {
  logger: JsonLogger;
  lines: JsonLogLine[];
} {
  const lines: JsonLogLine[] = [];
  const logger = new JsonLogger({
    now: () => new Date(Date.UTC(2025, 0, 2, 3, 4, 5, 678)),
    ...options,
    write: (line) => {
      expect(line.endsWith('\n')).toBe(true);
      expect(line.indexOf('\n')).toBe(line.length - 1);
      lines.push(JSON.parse(line) as JsonLogLine);
    },
  });
  return { logger, lines };
}

describe('redact', () => {
  const submit = {
    system_id: 'acme',
    password: 'hunter2',
    pdu: {
      source_addr: 'ACME',
      destination_addr: '+447700900123',
      short_message: Buffer.from('your code is 1234'),
      tlvs: [{ tag: 0x0424, message_payload: 'long text' }],
    },
    api: {
      apiKey: 'k-123',
      Authorization: 'Bearer abc',
      'x-api-key': 'k-456',
      to: '4915112345678',
      text: 'hi',
    },
  };

  it('masks secrets, addresses and text at any depth, keeping everything else', () => {
    expect(redact(submit)).toEqual({
      system_id: 'acme',
      password: REDACTED,
      pdu: {
        source_addr: '***',
        destination_addr: '***23',
        short_message: '[redacted 17 octets]',
        tlvs: [{ tag: 0x0424, message_payload: '[redacted 9 chars]' }],
      },
      api: {
        apiKey: REDACTED,
        Authorization: REDACTED,
        'x-api-key': REDACTED,
        to: '***78',
        text: '[redacted 2 chars]',
      },
    });
  });

  it('keeps addresses and text when personal-data redaction is off, but never secrets', () => {
    const shown = redact(submit, { personalData: false }) as typeof submit;
    expect(shown.pdu.destination_addr).toBe('+447700900123');
    expect(shown.api.text).toBe('hi');
    expect(shown.password).toBe(REDACTED);
    expect(shown.api.apiKey).toBe(REDACTED);
    expect(JSON.stringify(shown)).not.toMatch(/hunter2|k-123|k-456|Bearer/);
  });

  it('masks credentials inside URLs in any string', () => {
    expect(redact({ error: 'connect postgres://app:s3cret@db:5432/sms failed' })).toEqual({
      error: 'connect postgres://app:***@db:5432/sms failed',
    });
  });

  it('makes errors, dates, bigints, cycles and deep nesting JSON-safe', () => {
    const cyclic: Record<string, unknown> = { name: 'a' };
    cyclic.self = cyclic;
    let deep: Record<string, unknown> = { leaf: true };
    for (let level = 0; level < 10; level += 1) deep = { deep };
    const error = Object.assign(new Error('boom'), { code: 'E1', password: 'x' });
    const result = redact({ cyclic, deep, error, at: new Date(0), amount: 10n }) as Record<string, unknown>;
    expect(result.cyclic).toEqual({ name: 'a', self: '[circular]' });
    expect(JSON.stringify(result.deep)).toContain('[too deep]');
    expect(result.error).toMatchObject({ name: 'Error', message: 'boom', code: 'E1', password: REDACTED });
    expect(result.at).toBe('1970-01-01T00:00:00.000Z');
    expect(result.amount).toBe('10');
  });

  it('shows a value shared by two fields twice, since only cycles are cut', () => {
    const shared = { tenant: 'acme' };
    expect(redact({ a: shared, b: shared })).toEqual({ a: { tenant: 'acme' }, b: { tenant: 'acme' } });
  });
});

describe('JsonLogger', () => {
  it('writes one JSON object per line with time in UTC, level, context, msg and redacted fields', () => {
    const { logger, lines } = capture();
    logger.log('submit accepted', { tenant: 'acme', destination_addr: '+447700900123' }, 'Gateway');
    expect(lines).toEqual([
      {
        time: '2025-01-02T03:04:05.678Z',
        level: 'log',
        context: 'Gateway',
        msg: 'submit accepted',
        fields: { tenant: 'acme', destination_addr: '***23' },
      },
    ]);
  });

  it('takes an explicit correlationId field over the async context', () => {
    const { logger, lines } = capture();
    withCorrelation('m-outer', () => logger.log('dlr', { correlationId: 'm-explicit' }));
    expect(lines[0]?.correlationId).toBe('m-explicit');
    expect(lines[0]?.fields).toBeUndefined();
  });

  it('keeps the stack of an error, from Nest (stack, context) or from an Error message', () => {
    const { logger, lines } = capture();
    const error = new Error('bind refused by postgres://u:pw@h/db');
    logger.error('upstream bind failed', error.stack, 'Connector');
    logger.error(error);
    expect(lines[0]).toMatchObject({ level: 'error', context: 'Connector', msg: 'upstream bind failed' });
    expect(lines[0]?.stack).toContain('at ');
    expect(lines[1]?.msg).toBe('bind refused by postgres://u:***@h/db');
    expect(JSON.stringify(lines)).not.toContain(':pw@');
  });

  it('writes only the enabled levels, also after setLogLevels', () => {
    const { logger, lines } = capture({ levels: ['error', 'warn', 'log'] });
    logger.debug('hidden');
    logger.warn('shown');
    logger.setLogLevels(['error']);
    logger.warn('hidden too');
    expect(lines.map((line) => line.msg)).toEqual(['shown']);
  });

  it('follows a message id through awaits, timers and nested work, and keeps concurrent messages apart', async () => {
    const { logger, lines } = capture();
    const handle = (messageId: string, delayMs: number): Promise<void> =>
      withCorrelation(messageId, async () => {
        logger.log('accepted');
        await sleep(delayMs);
        await new Promise<void>((resolve) =>
          setImmediate(() => {
            logger.log('sent upstream');
            resolve();
          }),
        );
        logger.log('final dlr');
      });
    await Promise.all([handle('m-1', 5), handle('m-2', 1)]);
    logger.log('outside');
    const byMessage = (id: string): string[] =>
      lines.filter((line) => line.correlationId === id).map((line) => line.msg);
    expect(byMessage('m-1')).toEqual(['accepted', 'sent upstream', 'final dlr']);
    expect(byMessage('m-2')).toEqual(['accepted', 'sent upstream', 'final dlr']);
    expect(lines.at(-1)).not.toHaveProperty('correlationId');
    expect(currentCorrelationId()).toBeUndefined();
  });

  it('serves as the logger behind Nest Logger instances', () => {
    const { logger, lines } = capture();
    Logger.overrideLogger(logger);
    try {
      withCorrelation('m-9', () => new Logger('Delivery').warn('tenant not bound', { tenant: 'acme' }));
    } finally {
      Logger.overrideLogger(true);
    }
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'warn',
        context: 'Delivery',
        msg: 'tenant not bound',
        correlationId: 'm-9',
        fields: { tenant: 'acme' },
      }),
    ]);
  });
});

describe('createAppLogger', () => {
  it('picks the JSON or the pretty logger from LOG_FORMAT', () => {
    expect(createAppLogger({ logFormat: 'json', logRedact: true, levels: ['log'] })).toBeInstanceOf(
      JsonLogger,
    );
    expect(createAppLogger({ logFormat: 'pretty', logRedact: true, levels: ['log'] })).toBeInstanceOf(
      PrettyLogger,
    );
  });

  it('redacts in the pretty format too', () => {
    const written: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    try {
      new PrettyLogger().log({ password: 'hunter2', destination_addr: '+447700900123' }, 'Api');
    } finally {
      spy.mockRestore();
    }
    expect(written.join('')).toContain('***23');
    expect(written.join('')).not.toMatch(/hunter2|900123/);
  });
});
