// Public surface of libs/smpp. Nothing here may import Nest or TypeORM.
export * from './pdu/types';
export * from './tables';
export * from './framing';
export * from './codec';
export * from './session';
export * from './client';
export * from './text';
export * from './dlr';
export * from './time';
