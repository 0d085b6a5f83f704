import type { Server } from 'node:net';
import { clientKey } from '../rate-limit/client-address';

/**
 * Closes a new connection at once while its peer already holds `max` (an IPv6 peer counted by its
 * /64, as the rate limits count it): one client cannot take the whole connection cap (slow headers
 * reopened as they time out) while everyone else is refused. The peer is the socket's address, so
 * behind a proxy it is the proxy: there, limit per client at the proxy and raise this.
 */
export function limitConnectionsPerClient(server: Server, max: number): void {
  const open = new Map<string, number>();
  server.on('connection', (socket) => {
    const key = clientKey(socket.remoteAddress ?? '');
    const count = open.get(key) ?? 0;
    if (count >= max) {
      socket.destroy();
      return;
    }
    open.set(key, count + 1);
    socket.once('close', () => {
      const left = (open.get(key) ?? 1) - 1;
      if (left > 0) open.set(key, left);
      else open.delete(key);
    });
  });
}
