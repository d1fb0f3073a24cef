// A TCP relay in front of one node's p2p port, for partition tests: peers dial the relay, which
// forwards byte for byte. cut() destroys every relayed connection and refuses new ones (the node is
// cut off from whoever dials through it); heal() accepts again.
import { createConnection, createServer, type Server, type Socket } from "node:net";

export class LinkProxy {
  private readonly sockets = new Set<Socket>();
  private blocked = false;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(targetPort: number): Promise<LinkProxy> {
    let proxy: LinkProxy | undefined;
    const server = createServer((inbound) => proxy!.relay(inbound, targetPort));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve());
    });
    const address = server.address();
    if (address === null || typeof address === "string") throw new Error("proxy has no TCP address");
    proxy = new LinkProxy(server, address.port);
    return proxy;
  }

  cut(): void {
    this.blocked = true;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }

  heal(): void {
    this.blocked = false;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private relay(inbound: Socket, targetPort: number): void {
    if (this.blocked) {
      inbound.destroy();
      return;
    }
    const outbound = createConnection({ host: "127.0.0.1", port: targetPort });
    for (const s of [inbound, outbound]) {
      this.sockets.add(s);
      s.on("error", () => undefined);
      s.on("close", () => {
        this.sockets.delete(s);
        inbound.destroy();
        outbound.destroy();
      });
    }
    inbound.pipe(outbound);
    outbound.pipe(inbound);
  }
}
