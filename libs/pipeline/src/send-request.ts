/** The outbox payload of topic `send.<provider>` (written by the gateway's accept path and by reroutes). */
export interface SendRequest {
  readonly messageId: string;
  readonly tenantId: string;
  readonly groupId: string;
  readonly providerId: string;
}

/** A bus message that is not a SendRequest: acknowledged and logged, since redelivering it cannot help. */
export class PipelineInputError extends Error {
  override readonly name = 'PipelineInputError';
}

const FIELDS = ['messageId', 'tenantId', 'groupId', 'providerId'] as const;

export function parseSendRequest(body: unknown): SendRequest {
  if (typeof body !== 'object' || body === null) throw new PipelineInputError('send request: not an object');
  const record = body as Record<string, unknown>;
  for (const field of FIELDS) {
    const value = record[field];
    if (typeof value !== 'string' || value.length === 0 || value.length > 64) {
      throw new PipelineInputError(`send request: ${field} must be a string of 1-64 characters`);
    }
  }
  return {
    messageId: record.messageId as string,
    tenantId: record.tenantId as string,
    groupId: record.groupId as string,
    providerId: record.providerId as string,
  };
}
