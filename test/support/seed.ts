import Database from 'better-sqlite3';

/**
 * Writes a resident with cards allowed at `doorId` straight into a panel's database (another connection;
 * WAL lets the running panel see it on its next decision) — what cloud sync will do in a later issue.
 */
export function seedCards(dbPath: string, doorId: string, uids: readonly string[]): void {
  const db = new Database(dbPath);
  db.pragma('busy_timeout = 5000');
  db.exec(`INSERT OR IGNORE INTO buildings(id, name, time_zone) VALUES ('b', 'B', 'UTC');
    INSERT OR IGNORE INTO units(id, building_id, name) VALUES ('u', 'b', 'U');
    INSERT OR IGNORE INTO residents(id, unit_id, name, status) VALUES ('r', 'u', 'R', 'active');`);
  const card = db.prepare(
    `INSERT OR IGNORE INTO cards(id, uid, resident_id, status) VALUES (?, ?, 'r', 'active')`,
  );
  for (const [i, uid] of uids.entries()) card.run(`card-${doorId}-${i}`, uid);
  db.prepare(`INSERT OR IGNORE INTO access_rules(id, resident_id, door_id) VALUES (?, 'r', ?)`).run(
    `rule-${doorId}`,
    doorId,
  );
  db.close();
}

/**
 * A separate bell ringing resident "r" (seedCards' resident) on its app devices, straight into a panel's
 * database as seedCards does.
 */
export function seedBell(dbPath: string, bellId: string, appDeviceIds: readonly string[]): void {
  const db = new Database(dbPath);
  db.pragma('busy_timeout = 5000');
  db.prepare(
    `INSERT OR IGNORE INTO bells(id, unit_id, type, display_text, resident_id, door_id, sort_key,
       ring_timeout_s, step_s) VALUES (?, 'u', 'separate', 'R', 'r', NULL, 1, 60, 20)`,
  ).run(bellId);
  const device = db.prepare(`INSERT OR IGNORE INTO app_devices(id, resident_id, name) VALUES (?, 'r', ?)`);
  for (const id of appDeviceIds) device.run(id, id);
  db.close();
}
