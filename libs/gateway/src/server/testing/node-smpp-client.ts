/** The parts of the `smpp` package (node-smpp 0.5.1, untyped) the gateway tests drive as a tenant's ESME. */
export interface NodeSmppPdu {
  command: string;
  command_status: number;
  sequence_number: number;
  message_id?: string;
  system_id?: string;
  message_state?: number;
  final_date?: string;
  response(fields?: Record<string, unknown>): NodeSmppPdu;
}

type Callback = (pdu: NodeSmppPdu) => void;

interface RawSession {
  on(event: string, listener: (...args: never[]) => void): void;
  send(pdu: NodeSmppPdu): boolean;
  close(): void;
  destroy(): void;
  [command: string]: unknown;
}

interface NodeSmpp {
  connect(options: Record<string, unknown>): RawSession;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const nodeSmpp = require('smpp') as NodeSmpp;

/** A node-smpp ESME session with promise-returning requests. */
export class TenantClient {
  readonly closed: Promise<void>;
  private isClosed = false;

  private constructor(readonly raw: RawSession) {
    raw.on('error', () => undefined);
    this.closed = new Promise((resolve) =>
      raw.on('close', () => {
        this.isClosed = true;
        resolve();
      }),
    );
    // Answer the server's enquire_link and deliver_sm like a well-behaved ESME.
    raw.on('enquire_link', (pdu: NodeSmppPdu) => raw.send(pdu.response()));
    raw.on('deliver_sm', (pdu: NodeSmppPdu) => raw.send(pdu.response()));
  }

  get hasClosed(): boolean {
    return this.isClosed;
  }

  static connect(port: number, options: { tls?: boolean } = {}): Promise<TenantClient> {
    const raw = nodeSmpp.connect({
      url: `${options.tls ? 'ssmpp' : 'smpp'}://127.0.0.1:${port}`,
      ...(options.tls ? { rejectUnauthorized: false } : {}),
    });
    return new Promise((resolve, reject) => {
      raw.on(options.tls ? 'secureConnect' : 'connect', () => resolve(new TenantClient(raw)));
      raw.on('error', (error: Error) => reject(error));
    });
  }

  /** Sends `command` with `fields`; resolves with the response PDU. */
  request(command: string, fields: Record<string, unknown> = {}): Promise<NodeSmppPdu> {
    const send = this.raw[command] as (fields: Record<string, unknown>, callback: Callback) => void;
    return new Promise((resolve) => send.call(this.raw, fields, resolve));
  }

  bind(
    type: 'transmitter' | 'receiver' | 'transceiver',
    systemId: string,
    password = 'secret',
  ): Promise<NodeSmppPdu> {
    return this.request(`bind_${type}`, { system_id: systemId, password });
  }

  submit(fields: Record<string, unknown>): Promise<NodeSmppPdu> {
    return this.request('submit_sm', {
      source_addr: 'ACME',
      destination_addr: '447700900001',
      short_message: 'hello',
      ...fields,
    });
  }

  close(): Promise<void> {
    if (!this.isClosed) this.raw.destroy();
    return this.closed;
  }
}
