// Type declarations for the parts of the `smpp` package (node-smpp 0.5.1) that serve as the
// reference definition of commands and TLVs. The package ships no types of its own.

declare module 'smpp/lib/defs' {
  export interface ReferenceFieldType {
    read(buffer: Buffer, offset: number, length?: number): unknown;
    write(value: unknown, buffer: Buffer, offset: number): void;
    size(value: unknown): number;
    default: unknown;
  }
  export interface ReferenceParam {
    type: ReferenceFieldType;
    default?: unknown;
  }
  export interface ReferenceCommand {
    id: number;
    command: string;
    params?: Record<string, ReferenceParam>;
  }
  export interface ReferenceTlv {
    id: number;
    tag: string;
    type: ReferenceFieldType;
    multiple?: true;
  }
  export const commands: Record<string, ReferenceCommand>;
  export const commandsById: Record<number, ReferenceCommand>;
  export const tlvs: Record<string, ReferenceTlv>;
  export const tlvsById: Record<number, ReferenceTlv>;
  export const errors: Record<string, number>;
  export const types: Record<
    'int8' | 'int16' | 'int32' | 'string' | 'cstring' | 'buffer',
    ReferenceFieldType
  > & {
    tlv: Record<'int8' | 'int16' | 'int32' | 'string' | 'cstring' | 'buffer', ReferenceFieldType>;
  };
}

declare module 'smpp/lib/pdu' {
  export class PDU {
    constructor(command: string | Buffer, options?: Record<string, unknown>);
    static maxLength: number;
    command: string;
    command_length: number;
    command_id: number;
    command_status: number;
    sequence_number: number;
    toBuffer(): Buffer;
    [field: string]: unknown;
  }
}
