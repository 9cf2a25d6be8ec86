export * from './reconnect-backoff';
export * from './smpp-client';
