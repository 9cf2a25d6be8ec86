import { connect as connectTcp, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import {
  CommandStatus,
  createPdu,
  SmppSession,
  type BindType,
  type DeliverSm,
  type PduFields,
  type SubmitSmResp,
} from '@app/smpp';
import { DEFAULT_SIM_ACCOUNT } from '../provider-sim';
import type { ProviderSim } from '../types';

/** A test ESME bound to a simulator: collects every deliver_sm it receives and answers it ESME_ROK. */
export interface TestEsme {
  session: SmppSession;
  delivered: DeliverSm[];
  /** Resolves once `count` deliver_sm have arrived in total (rejects after 5 s). */
  waitForDelivered(count: number): Promise<DeliverSm[]>;
  submit(fields: PduFields<'submit_sm'>): Promise<SubmitSmResp>;
}

export async function openSocket(sim: ProviderSim, tls: boolean): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = tls
      ? connectTls({ host: '127.0.0.1', port: sim.port, rejectUnauthorized: false }, () => resolve(socket))
      : connectTcp({ host: '127.0.0.1', port: sim.port }, () => resolve(socket));
    socket.once('error', reject);
  });
}

export async function bindEsme(
  sim: ProviderSim,
  options: {
    bindType?: BindType;
    tls?: boolean;
    systemId?: string;
    password?: string;
    systemType?: string;
  } = {},
): Promise<TestEsme> {
  const socket = await openSocket(sim, options.tls ?? false);
  const delivered: DeliverSm[] = [];
  const listeners = new Set<() => void>();
  const session = new SmppSession(socket, {
    role: 'esme',
    allowLongPassword: true,
    enquireLinkIntervalMs: 0,
    inactivityTimeoutMs: 0,
    handler: {
      onRequest: (request) => {
        if (request.command === 'deliver_sm') {
          delivered.push(request.pdu);
          request.respond(CommandStatus.ESME_ROK);
          for (const listener of listeners) listener();
        } else {
          request.respond(CommandStatus.ESME_RINVCMDID);
        }
      },
    },
  });
  session.on('error', () => undefined);
  await session.bind(options.bindType ?? 'transceiver', {
    system_id: options.systemId ?? DEFAULT_SIM_ACCOUNT.system_id,
    password: options.password ?? DEFAULT_SIM_ACCOUNT.password,
    system_type: options.systemType ?? '',
  });
  return {
    session,
    delivered,
    waitForDelivered: (count) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (delivered.length < count) return;
          listeners.delete(check);
          clearTimeout(timer);
          resolve(delivered.slice(0, count));
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`expected ${count} deliver_sm, got ${delivered.length}`));
        }, 5_000);
        listeners.add(check);
        check();
      }),
    submit: (fields) => session.request(createPdu('submit_sm', { registered_delivery: 1, ...fields })),
  };
}
