/**
 * Release version order (semver precedence: build metadata after "+" is ignored, a pre-release sorts
 * before its release), for the downgrade check: a panel refuses an older version unless told otherwise.
 */
export function compareVersions(a: string, b: string): number {
  const [coreA, preA] = split(a);
  const [coreB, preB] = split(b);
  for (let i = 0; i < 3; i++) {
    const d = (coreA[i] ?? 0) - (coreB[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  if (preA === preB) return 0;
  if (preA === null) return 1;
  if (preB === null) return -1;
  return comparePre(preA, preB);
}

function split(version: string): [number[], string | null] {
  const noBuild = version.split('+')[0] ?? '';
  const dash = noBuild.indexOf('-');
  const core = dash < 0 ? noBuild : noBuild.slice(0, dash);
  const pre = dash < 0 ? null : noBuild.slice(dash + 1);
  return [core.split('.').map((n) => Number.parseInt(n, 10) || 0), pre];
}

function comparePre(a: string, b: string): number {
  const pa = a.split('.');
  const pb = b.split('.');
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const nx = /^\d+$/.test(x);
    const ny = /^\d+$/.test(y);
    if (nx && ny && Number(x) !== Number(y)) return Math.sign(Number(x) - Number(y));
    if (nx !== ny) return nx ? -1 : 1;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}
