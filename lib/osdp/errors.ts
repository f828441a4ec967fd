/**
 * Typed failures of OSDP framing and Secure Channel. Every rejected frame says what was wrong, so a
 * driver can count and report bus trouble (noise, a wrong baud rate, an attacker) without parsing text.
 */
import { PortvaktError } from '../errors.ts';

export type OsdpFrameFault =
  | 'bad_som'
  | 'truncated'
  | 'length_out_of_bounds'
  | 'length_mismatch'
  | 'bad_control'
  | 'bad_address'
  | 'bad_scb'
  | 'crc_mismatch'
  | 'checksum_mismatch'
  | 'noise';

export class OsdpFrameError extends PortvaktError {
  readonly fault: OsdpFrameFault;
  constructor(fault: OsdpFrameFault, message: string) {
    super('osdp_frame', `OSDP frame rejected (${fault}): ${message}`);
    this.fault = fault;
  }
}

/** Payload of a known command or reply that does not have the shape the code needs. */
export class OsdpPayloadError extends PortvaktError {
  constructor(message: string) {
    super('osdp_payload', message);
  }
}

export type OsdpSecureFault =
  | 'client_cryptogram_mismatch'
  | 'server_cryptogram_mismatch'
  | 'rmac_mismatch'
  | 'mac_mismatch'
  | 'unexpected_scb'
  | 'not_established'
  | 'bad_padding';

export class OsdpSecureError extends PortvaktError {
  readonly fault: OsdpSecureFault;
  constructor(fault: OsdpSecureFault, message: string) {
    super('osdp_secure', `OSDP secure channel: ${message}`);
    this.fault = fault;
  }
}
