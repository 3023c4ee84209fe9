// Small SQL pieces shared by the hand-written statements (events, webhooks).
import { type SQL, sql } from 'drizzle-orm';
import { type Database, rowsOf, type Transaction } from './client.js';

/** A timestamptz column as the API writes instants: UTC, milliseconds, Z. */
export const iso = (column: SQL) => sql`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** The rows of a raw statement, on either driver. */
export const rows = <Row>(db: Database | Transaction, query: SQL) => rowsOf<Row>(db.execute(query));
