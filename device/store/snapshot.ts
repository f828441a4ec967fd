/** The building data schema is part of the sync protocol; the store applies it as it is. */
export * from '../../cloud-sync/protocol/building.ts';
export * from '../../cloud-sync/protocol/building-snapshot.ts';
export * from '../../cloud-sync/protocol/directory.ts';
