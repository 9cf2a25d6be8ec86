import { requireDate, requireUuid } from './billing-input';
import type { BillingTx, MarginQuery, MarginRow } from './ledger.types';
import { select } from './select';

/**
 * Revenue, provider cost and margin of posted (charged) messages per tenant, provider and destination prefix, for
 * messages reserved in [from, to). Voided and expired reservations earned nothing and are left out.
 */
export async function marginReport(tx: BillingTx, query: MarginQuery): Promise<MarginRow[]> {
  requireDate(query.from, 'from');
  requireDate(query.to, 'to');
  const tenantId = query.tenantId === undefined ? null : requireUuid(query.tenantId, 'tenantId');
  const found = await select<{
    tenant_id: string;
    currency: string;
    provider_id: string | null;
    destination_prefix: string | null;
    messages: string;
    segments: string;
    revenue: string;
    cost: string;
    messages_without_cost: string;
  }>(
    tx,
    `SELECT a.tenant_id, a.currency, r.provider_id, r.destination_prefix,
            count(*)::text AS messages, sum(r.segments)::text AS segments,
            sum(r.amount)::text AS revenue, coalesce(sum(r.cost), 0)::text AS cost,
            count(*) FILTER (WHERE r.cost IS NULL)::text AS messages_without_cost
     FROM reservations r JOIN accounts a ON a.id = r.account_id
     WHERE r.status = 'posted' AND r.created_at >= $1 AND r.created_at < $2
       AND ($3::uuid IS NULL OR a.tenant_id = $3)
       AND ($4::text IS NULL OR r.provider_id = $4)
       AND ($5::text IS NULL OR starts_with(r.destination_prefix, $5))
     GROUP BY a.tenant_id, a.currency, r.provider_id, r.destination_prefix
     ORDER BY a.tenant_id, r.provider_id NULLS LAST, r.destination_prefix NULLS LAST`,
    [
      query.from.toISOString(),
      query.to.toISOString(),
      tenantId,
      query.providerId ?? null,
      query.destinationPrefix ?? null,
    ],
  );
  return found.map((row) => {
    const revenue = BigInt(row.revenue);
    const cost = BigInt(row.cost);
    return {
      tenantId: row.tenant_id,
      currency: row.currency,
      providerId: row.provider_id,
      destinationPrefix: row.destination_prefix,
      messages: Number(row.messages),
      segments: Number(row.segments),
      revenue,
      cost,
      margin: revenue - cost,
      messagesWithoutCost: Number(row.messages_without_cost),
    };
  });
}
