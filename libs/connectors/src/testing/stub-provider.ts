/**
 * TEST-ONLY: a small SMSC standing in for a provider (until libs/provider-sim is available to these tests), with
 * outcomes scripted by the destination's last digit: 0 accepted then DELIVRD, 1 accepted then UNDELIV err 019,
 * 2 rejected 0x0B, 4 accepted and no receipt, 5 rejected 0x45 (REROUTE), 6 throttled 0x58 (first time only),
 * 8 DELIVRD then a late ENROUTE, 9 DELIVRD twice.
 */
import * as net from 'node:net';
import {
  CommandStatus,
  createPdu,
  DlrMessageState,
  formatDeliveryReceipt,
  Tlv,
  type BindType,
  type Pdu,
  type SmppSession as Session,
} from '@app/smpp';
import { SmppSession } from '@app/smpp';

export interface StubFaults {
  /** Send the receipt before the submit_sm_resp. */
  dlrBeforeResp?: boolean;
  /** Close the session instead of answering the next submit_sm. */
  dropOnSubmit?: boolean;
  /** Refuse every bind with this status. */
  rejectBind?: number;
  /** Refuse binds of this type with ESME_RINVBNDSTS... (bind-type fallback). */
  refuseBindType?: { bindType: BindType; status: number };
}

export class StubProvider {
  readonly received: Array<{ pdu: Pdu; bindType: BindType | undefined }> = [];
  readonly sessions = new Set<Session>();
  readonly binds: Array<{ bindType: BindType; accepted: boolean; at: number }> = [];
  faults: StubFaults = {};
  private nextId = 4_000_000_000;
  private readonly throttledOnce = new Set<string>();

  private constructor(
    private readonly server: net.Server,
    readonly port: number,
  ) {}

  static async start(): Promise<StubProvider> {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const stub = new StubProvider(server, (server.address() as net.AddressInfo).port);
    server.on('connection', (socket) => stub.accept(socket));
    return stub;
  }

  bound(): number {
    return [...this.sessions].filter((s) => s.state.startsWith('BOUND')).length;
  }

  /** An MO to our number, over the first receiver-capable session. */
  async sendMo(source: string, destination: string, text: string): Promise<void> {
    const session = [...this.sessions].find((s) => s.state === 'BOUND_TRX' || s.state === 'BOUND_RX');
    if (session === undefined) throw new Error('no receiver session');
    await session.request(
      createPdu('deliver_sm', {
        source_addr_ton: 1,
        source_addr_npi: 1,
        source_addr: source,
        dest_addr_ton: 1,
        dest_addr_npi: 1,
        destination_addr: destination,
        short_message: Buffer.from(text, 'latin1'),
      }),
    );
  }

  async stop(): Promise<void> {
    for (const session of this.sessions) session.close('local');
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: net.Socket): void {
    const session: Session = new SmppSession(socket, {
      role: 'smsc',
      responseTimeoutMs: 2_000,
      handler: {
        onBind: ({ bindType }) => {
          const refuse =
            this.faults.rejectBind ??
            (this.faults.refuseBindType?.bindType === bindType
              ? this.faults.refuseBindType.status
              : undefined);
          this.binds.push({ bindType, accepted: refuse === undefined, at: Date.now() });
          return { command_status: refuse ?? CommandStatus.ESME_ROK, system_id: 'STUB' };
        },
        onRequest: (request) => {
          this.received.push({ pdu: request.pdu, bindType: session.bindType });
          if (request.command !== 'submit_sm') return void request.respond(CommandStatus.ESME_RINVCMDID);
          if (this.faults.dropOnSubmit === true) {
            this.faults.dropOnSubmit = false;
            return void session.close('local');
          }
          const destination = request.pdu.destination_addr;
          const digit = destination.at(-1);
          if (digit === '2') return void request.respond(0x0b);
          if (digit === '5') return void request.respond(0x45);
          if (digit === '6' && !this.throttledOnce.has(destination)) {
            this.throttledOnce.add(destination);
            return void request.respond(0x58);
          }
          const id = String(this.nextId++);
          const receipts = receiptsFor(digit);
          if (this.faults.dlrBeforeResp === true) {
            this.sendReceipts(id, receipts, () =>
              request.respond(CommandStatus.ESME_ROK, { message_id: id }),
            );
          } else {
            request.respond(CommandStatus.ESME_ROK, { message_id: id });
            this.sendReceipts(id, receipts);
          }
        },
      },
    });
    session.on('error', () => undefined);
    this.sessions.add(session);
    void session.whenClosed().then(() => this.sessions.delete(session));
  }

  private sendReceipts(id: string, receipts: Array<{ stat: string; err: string }>, then?: () => void): void {
    const session = [...this.sessions].find((s) => s.state === 'BOUND_TRX' || s.state === 'BOUND_RX');
    void (async () => {
      for (const { stat, err } of receipts) {
        if (session === undefined) break;
        const now = new Date();
        const text = formatDeliveryReceipt({ id, stat, err, submitDate: now, doneDate: now });
        await session
          .request(
            createPdu('deliver_sm', {
              esm_class: 0x04,
              source_addr_ton: 1,
              source_addr_npi: 1,
              source_addr: '4512345670',
              short_message: Buffer.from(text, 'latin1'),
              tlvs: [
                { tag: Tlv.receipted_message_id, value: Buffer.from(`${id}\0`, 'latin1') },
                { tag: Tlv.message_state, value: Buffer.from([STATE[stat]]) },
              ],
            }),
          )
          .catch(() => undefined);
      }
      then?.();
    })();
  }
}

const STATE: Record<string, number> = {
  DELIVRD: DlrMessageState.DELIVERED,
  UNDELIV: DlrMessageState.UNDELIVERABLE,
  ENROUTE: DlrMessageState.ENROUTE,
};

function receiptsFor(digit: string | undefined): Array<{ stat: string; err: string }> {
  switch (digit) {
    case '1':
      return [{ stat: 'UNDELIV', err: '019' }];
    case '4':
      return [];
    case '8':
      return [
        { stat: 'DELIVRD', err: '000' },
        { stat: 'ENROUTE', err: '000' },
      ];
    case '9':
      return [
        { stat: 'DELIVRD', err: '000' },
        { stat: 'DELIVRD', err: '000' },
      ];
    default:
      return [{ stat: 'DELIVRD', err: '000' }];
  }
}
