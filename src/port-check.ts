// Is PORT on HOST free to listen on? Asked before the service opens (and
// locks, and migrates) its database, so that a port already in use is one
// line at once rather than an error after a start that changed the database.
// A probe, not a reservation: a port taken in the moment between the probe
// and the real listen is still refused by listen, only later.
import net from 'node:net';

export async function assertCanListen(port: number, host: string): Promise<void> {
  if (port === 0) return; // any free port: nothing to check
  const probe = net.createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      probe.once('error', reject);
      probe.listen({ port, host, exclusive: true }, resolve);
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'EADDRINUSE'
        ? 'is already in use'
        : code === 'EACCES'
          ? 'needs privileges this process lacks'
          : `cannot be listened on (${(error as Error).message})`;
    throw new Error(`PORT ${port} on HOST ${host} ${why}`);
  } finally {
    await new Promise((resolve) => probe.close(resolve));
  }
}
