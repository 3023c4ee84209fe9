// A start-up failure on PostgreSQL names the setting and the server it tried,
// never the password: "connect ECONNREFUSED 127.0.0.1:5999" alone does not
// tell a newcomer which setting to fix.

/** The URL with its password (in the userinfo or a `password` parameter) replaced by ***. */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    if (parsed.searchParams.has('password')) parsed.searchParams.set('password', '***');
    return parsed.toString().replace('password=%2A%2A%2A', 'password=***');
  } catch {
    // Not a URL that WHATWG parses (postgres.js is more lenient): cut out
    // whatever stands between "user:" and the last "@".
    return url.replace(/^([a-z]+:\/\/[^:/@]*:).*@/i, '$1***@');
  }
}

/** The error with a message that names DATABASE_URL (redacted); the original stays as `cause`. */
export function namingDatabaseUrl(error: unknown, url: string): Error {
  const message = error instanceof Error ? error.message : String(error);
  return new Error(`DATABASE_URL ${redactedUrl(url)}: ${message}`, { cause: error });
}
