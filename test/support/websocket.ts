// Test support for cosmjs websocket clients.
import type { WebsocketClient } from "@cosmjs/tendermint-rpc";

/**
 * cosmjs's ReconnectingSocket schedules a reconnect when disconnect() sets its status to
 * Disconnected, so a "disconnected" WebsocketClient reconnects and, once the node is gone, keeps
 * retrying forever (holding the test process open). Disconnect and stop that loop.
 */
export function closeWebsocket(client: WebsocketClient): void {
  const reconnecting = (client as unknown as { socket: { socket: { reconnect(): void } } }).socket;
  reconnecting.socket.reconnect = () => {};
  client.disconnect();
}
