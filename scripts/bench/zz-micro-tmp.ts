import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
const db = new Database(mkdtempSync('/tmp/m') + '/a.db');
db.pragma('journal_mode=WAL'); db.pragma('synchronous=FULL');
db.exec(`CREATE TABLE residents (id TEXT PRIMARY KEY, status TEXT) STRICT;
CREATE TABLE cards (id TEXT PRIMARY KEY, uid TEXT NOT NULL UNIQUE, resident_id TEXT NOT NULL, status TEXT) STRICT;`);
db.transaction(() => {
  const r = db.prepare('insert into residents values (?,?)'); for (let i = 0; i < 1000; i++) r.run('res' + i, 'active');
  const c = db.prepare('insert into cards values (?,?,?,?)'); for (let i = 0; i < 100000; i++) c.run('card' + i, '04' + i.toString(16).toUpperCase().padStart(6, '0'), 'res' + (i % 1000), 'active');
})();
const q1 = db.prepare('SELECT c.id, c.status, r.status AS rs FROM cards c JOIN residents r ON r.id = c.resident_id WHERE c.uid = ?');
const q2 = db.prepare('SELECT c.id, c.status FROM cards c WHERE c.uid = ?');
const q3 = db.prepare('SELECT 1');
for (const [n, q] of [['join', q1], ['single', q2], ['select1', q3], ['join', q1]] as const) {
  const t = performance.now();
  for (let i = 0; i < 20000; i++) q.get(...(q === q3 ? [] : ['04' + ((i * 7919) % 120000).toString(16).toUpperCase().padStart(6, '0')]));
  console.log(n, (((performance.now() - t) / 20000) * 1000).toFixed(2), 'us');
}
