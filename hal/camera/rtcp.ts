/**
 * RTCP Picture Loss Indication (RFC 4585 6.3.1) as a compound packet: an empty Receiver Report first,
 * because RFC 3550 compound packets must start with SR or RR and GStreamer's rtpsession drops the rest
 * otherwise. Sent to the pipeline's rtpbin RTCP input, it makes the encoder emit a keyframe.
 */
export function pliPacket(senderSsrc: number, mediaSsrc: number): Buffer {
  const packet = Buffer.alloc(8 + 12);
  // RR: V=2, RC=0, PT=201, length 1 (32-bit words minus one).
  packet[0] = 0x80;
  packet[1] = 201;
  packet.writeUInt16BE(1, 2);
  packet.writeUInt32BE(senderSsrc >>> 0, 4);
  // PSFB: V=2, FMT=1 (PLI), PT=206, length 2.
  packet[8] = 0x81;
  packet[9] = 206;
  packet.writeUInt16BE(2, 10);
  packet.writeUInt32BE(senderSsrc >>> 0, 12);
  packet.writeUInt32BE(mediaSsrc >>> 0, 16);
  return packet;
}
