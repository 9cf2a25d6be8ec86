import { Logger } from '@nestjs/common';
import {
  internationalDigits,
  normaliseMessageId,
  numberLookupBind,
  numberLookupSubmit,
  parseNumberLookup,
  registerProviderTlvs,
  submitRespMessageId,
  type NumberLookupResult,
  type ProviderProfile,
} from '@app/providers';
import {
  CommandStatus,
  SmppClient,
  type DeliverSm,
  type InboundRequest,
  type ReconnectBackoffOptions,
  type SmppHost,
} from '@app/smpp';
import type { DataSource } from 'typeorm';
import { ConnectorUnavailableError } from './connector-runtime';
import { ConnectorConfigError } from './rate-control';

export interface NumberLookupOptions {
  profile: ProviderProfile;
  providerId?: string;
  hosts: readonly SmppHost[];
  systemId: string;
  password: string;
  dataSource: DataSource;
  /** How long a lookup waits for its answer before it is stored as failed. Default 30 000 ms. */
  answerTimeoutMs?: number;
  responseTimeoutMs?: number;
  reconnect?: Partial<ReconnectBackoffOptions>;
}

export interface StoredNumberLookup {
  id: string;
  msisdn: string;
  status: 'found' | 'not_found' | 'failed';
  mcc: string | null;
  mnc: string | null;
  network: string | null;
  ported: boolean | null;
  roaming: boolean | null;
  errorCode: string | null;
  result?: NumberLookupResult;
}

const MAX_EARLY_ANSWERS = 1_000;

interface PendingLookup {
  resolve: (result: NumberLookupResult) => void;
  timer: NodeJS.Timeout;
}

/**
 * Infobip Number Lookup (000_*.txt "Number lookup"): a bind of its own with system_type HLR; a submit_sm to the
 * number asks, and the answer comes back as a receipt-style deliver_sm on that bind with the network TLVs
 * (0x1403 … 0x1442). Every lookup is a row of `number_lookups`, pending until its answer is parsed and stored.
 */
export class NumberLookupService {
  private readonly providerId: string;
  private readonly client: SmppClient;
  private readonly logger: Logger;
  private readonly pending = new Map<string, PendingLookup>();
  /** Answers that arrived before their submit_sm_resp (by normalised id). */
  private readonly early = new Map<string, NumberLookupResult>();

  constructor(private readonly options: NumberLookupOptions) {
    const bind = numberLookupBind(options.profile);
    if (options.hosts.length === 0) throw new ConnectorConfigError('hosts must list at least one host');
    this.providerId = options.providerId ?? options.profile.id;
    this.logger = new Logger(`NumberLookup:${this.providerId}`);
    this.client = new SmppClient({
      hosts: options.hosts,
      bindType: bind.bindType,
      systemId: options.systemId,
      password: options.password,
      systemType: bind.systemType,
      allowLongPassword: options.profile.connection.allowLongPassword,
      reconnect: { ...options.profile.session.reconnect, ...options.reconnect },
      session: {
        responseTimeoutMs: options.responseTimeoutMs ?? 30_000,
        enquireLinkIntervalMs: options.profile.session.enquireLinkIntervalMs,
      },
      handler: { onRequest: (request) => this.onRequest(request) },
    });
  }

  start(): void {
    registerProviderTlvs(this.options.profile);
    this.client.start();
  }

  /** Resolves once the HLR bind is up (rejects after `timeoutMs`). */
  whenBound(timeoutMs = 5_000): Promise<void> {
    if (this.client.session !== undefined) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new ConnectorUnavailableError('HLR bind not up')), timeoutMs);
      this.client.once('bound', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  async stop(): Promise<void> {
    for (const lookup of this.pending.values()) clearTimeout(lookup.timer);
    this.pending.clear();
    await this.client.stop();
  }

  /** Looks `msisdn` (international digits, '+' tolerated) up and stores the answer in `number_lookups`. */
  async lookupNumber(msisdn: string): Promise<StoredNumberLookup> {
    const session = this.client.session;
    if (session === undefined) throw new ConnectorUnavailableError('HLR bind not up');
    const digits = internationalDigits({ number: msisdn }, 'destination');
    const pdu = numberLookupSubmit({ number: digits }, this.options.profile);
    const rows: Array<{ id: string }> = await this.options.dataSource.query(
      `INSERT INTO number_lookups (provider_id, msisdn, status, requested_at) VALUES ($1, $2, 'pending', now())
       RETURNING id`,
      [this.providerId, digits],
    );
    const id = rows[0].id;
    const response = await session.request(pdu);
    if (response.command_status !== CommandStatus.ESME_ROK) {
      return this.store(id, digits, { status: 'failed', errorCode: null });
    }
    const key = normaliseMessageId(
      submitRespMessageId(response, this.options.profile) ?? response.message_id,
      this.options.profile,
    );
    await this.options.dataSource.query(`UPDATE number_lookups SET provider_message_key = $2 WHERE id = $1`, [
      id,
      key,
    ]);
    const result = await this.answerFor(key);
    if (result === undefined) return this.store(id, digits, { status: 'failed', errorCode: null });
    return this.store(id, digits, {
      status: result.found ? 'found' : 'not_found',
      errorCode: result.receipt.err,
      result,
    });
  }

  private answerFor(key: string): Promise<NumberLookupResult | undefined> {
    const early = this.early.get(key);
    if (early !== undefined) {
      this.early.delete(key);
      return Promise.resolve(early);
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(key);
        resolve(undefined);
      }, this.options.answerTimeoutMs ?? 30_000);
      this.pending.set(key, { resolve, timer });
    });
  }

  private async store(
    id: string,
    msisdn: string,
    answer: { status: StoredNumberLookup['status']; errorCode: string | null; result?: NumberLookupResult },
  ): Promise<StoredNumberLookup> {
    const result = answer.result;
    const home = result?.ported === true ? result.portedTo : result?.original;
    const stored: StoredNumberLookup = {
      id,
      msisdn,
      status: answer.status,
      mcc: result?.mcc ?? null,
      mnc: result?.mnc ?? null,
      network: home?.networkName ?? null,
      ported: result?.ported ?? null,
      roaming: result?.roaming ?? null,
      errorCode: answer.errorCode,
      ...(result === undefined ? {} : { result }),
    };
    await this.options.dataSource.query(
      `UPDATE number_lookups SET status = $2, mcc = $3, mnc = $4, network = $5, ported = $6, roaming = $7,
         error_code = $8, result = $9, answered_at = now()
       WHERE id = $1`,
      [
        id,
        stored.status,
        stored.mcc,
        stored.mnc,
        stored.network,
        stored.ported,
        stored.roaming,
        stored.errorCode,
        result === undefined ? null : JSON.stringify({ ...result, receipt: undefined }),
      ],
    );
    return stored;
  }

  private onRequest(request: InboundRequest): void {
    if (request.command !== 'deliver_sm') {
      request.respond(CommandStatus.ESME_RINVCMDID);
      return;
    }
    request.respond(CommandStatus.ESME_ROK);
    this.takeAnswer(request.pdu);
  }

  private takeAnswer(pdu: DeliverSm): void {
    let result: NumberLookupResult;
    try {
      result = parseNumberLookup(pdu, this.options.profile);
    } catch (error) {
      this.logger.warn(
        `unreadable Number Lookup answer: ${error instanceof Error ? error.message : String(error)}`,
      );
      return;
    }
    const key = result.receipt.providerMessageId;
    const waiting = this.pending.get(key);
    if (waiting === undefined) {
      // Bounded: an answer nobody claims (another instance's lookup) is forgotten once newer ones push it out.
      if (this.early.size >= MAX_EARLY_ANSWERS) this.early.delete(this.early.keys().next().value!);
      this.early.set(key, result);
      return;
    }
    this.pending.delete(key);
    clearTimeout(waiting.timer);
    waiting.resolve(result);
  }
}
