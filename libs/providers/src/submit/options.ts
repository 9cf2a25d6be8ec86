export interface ShapeSubmitOptions {
  /** The current time; schedules and validity periods are computed from it. */
  now: Date;
  /**
   * A flash message the provider cannot carry as flash (not supported, or multipart where only
   * single parts may be flash): send it as a normal SMS (default) or hand it back for rerouting.
   */
  unsupportedFlash?: 'send-plain' | 'reroute';
  /** Concatenation reference of a multipart message; by default derived from the message id, so a resubmission reuses it. */
  concatReference?: number;
  /** Ask upstream for the final delivery receipt (default true: billing and the final state need it). */
  requestDeliveryReceipt?: boolean;
  /** Infobip URL shortening (TLVs 0x1494–0x1496); ignored by profiles without the feature. */
  urlShortening?: { customDomain?: string; removeProtocol?: boolean };
  /** GatewayAPI message class, sent in its vendor TLV 0x2900; ignored by other profiles. */
  messageClass?: string;
}
