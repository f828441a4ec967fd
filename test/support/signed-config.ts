/** Signed config messages as the hub sends them, for tests that play the hub (or an attacker). */
import { signConfig } from '../../cloud-sync/protocol/config-signing.ts';
import type { ConfigPatchMessage, ConfigSnapshotMessage } from '../../cloud-sync/protocol/messages.ts';
import { exportPublicKey, type SigningKey } from '../../cloud-sync/protocol/signing.ts';

export interface TestSigner {
  privateKey: SigningKey;
  publicKey: SigningKey;
}

export interface Stamp {
  deviceId: string;
  version: number;
  epoch?: number;
  /** Keys the panel should trust from now on; default: the signer's own. */
  hubKeys?: string[];
}

export async function snapshotBody(
  signer: TestSigner,
  stamp: Stamp,
  data: unknown = {},
): Promise<ConfigSnapshotMessage> {
  return {
    protocol: 1,
    deviceId: stamp.deviceId,
    epoch: stamp.epoch ?? 1,
    hubKeys: stamp.hubKeys ?? [await exportPublicKey(signer.publicKey)],
    version: stamp.version,
    issuedAt: 1,
    data: data as ConfigSnapshotMessage['data'],
  };
}

export async function signedSnapshot(signer: TestSigner, stamp: Stamp, data: unknown = {}): Promise<Buffer> {
  return Buffer.from(
    await signConfig(signer.privateKey, 'snapshot', await snapshotBody(signer, stamp, data)),
  );
}

export async function signedPatch(
  signer: TestSigner,
  stamp: Stamp & { baseVersion?: number },
  changes: Pick<Partial<ConfigPatchMessage>, 'upsert' | 'delete'> = {},
): Promise<Buffer> {
  const body: ConfigPatchMessage = {
    protocol: 1,
    deviceId: stamp.deviceId,
    epoch: stamp.epoch ?? 1,
    hubKeys: stamp.hubKeys ?? [await exportPublicKey(signer.publicKey)],
    baseVersion: stamp.baseVersion ?? stamp.version - 1,
    version: stamp.version,
    issuedAt: 1,
    upsert: changes.upsert ?? {},
    delete: changes.delete ?? {},
  };
  return Buffer.from(await signConfig(signer.privateKey, 'patch', body));
}
