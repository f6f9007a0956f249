// Usage: node check.mjs results.parquet published.csv
// Exits 1 when a published percentage differs from results.parquet as DuckDB reads it.
import { DuckDBInstance } from '@duckdb/node-api';

const [results, published] = process.argv.slice(2);
const db = await DuckDBInstance.create(':memory:');
const c = await db.connect();
const quote = (s) => `'${s.replaceAll("'", "''")}'`;
const pub = await c.runAndReadAll(`select * from read_csv(${quote(published)}, header = true, all_varchar = true)`);
const got = await c.runAndReadAll(`select question, answer, scope, pct from read_parquet(${quote(results)})`);
const pct = new Map(got.getRowObjects().map((r) => [`${r.question}|${r.answer}|${r.scope}`, Number(r.pct)]));
let checked = 0, failed = 0;
for (const row of pub.getRowObjects()) {
  for (const [scope, value] of Object.entries(row)) {
    if (scope === 'question' || scope === 'answer') continue;
    const key = `${row.question}|${row.answer}|${scope}`;
    checked++;
    if (pct.get(key) !== Number(value)) {
      failed++;
      console.error(`${key}: results.parquet has ${pct.get(key)}, published ${value}`);
    }
  }
}
console.log(`${checked - failed} passed, ${failed} failed`);
process.exit(failed === 0 && checked > 0 ? 0 : 1);
