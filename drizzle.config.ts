import { defineConfig } from 'drizzle-kit';

// drizzle-kit only generates SQL from src/db/schema.ts (and the webhook
// tables in src/webhooks/tables.ts) into drizzle/; the
// service applies that folder itself at start (src/db/migrate.ts), on PGlite
// and PostgreSQL alike, so no database URL is needed here.
export default defineConfig({
  dialect: 'postgresql',
  schema: ['./src/db/schema.ts', './src/webhooks/tables.ts'],
  out: './drizzle',
});
