export * from './session-errors';
export * from './session-options';
export * from './session-state';
export * from './session-types';
export * from './smpp-session';
