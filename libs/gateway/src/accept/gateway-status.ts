/**
 * command_status values this server chooses where SMPP 3.4 has no specific one. 0x400-0x4FF is the range SMPP 3.4
 * §5.1.3 reserves for SMSC vendor-specific errors; every value is listed in the README's status table.
 */
export const GatewayStatus = {
  /** The tenant's account cannot pay for the message (insufficient funds, no account, account not active). */
  NO_CREDIT: 0x00000400,
  /** No price or no route for the destination (no plan, filtered, no healthy provider, below cost). */
  NO_ROUTE: 0x00000401,
} as const;
