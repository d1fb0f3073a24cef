// Live updates: one websocket subscription to NewBlock for the whole page. The header's height
// follows it; a view registers listeners that are dropped when the route changes.
import { type NewBlockEvent, subscribeNewBlocks } from "./rpc.js";

type Listener = (event: NewBlockEvent) => void;
const viewListeners = new Set<Listener>();
let latestHeight = 0;

/** Calls fn on every new block while the current view is shown. */
export function onNewBlock(fn: Listener): void {
  viewListeners.add(fn);
}

export function dropViewListeners(): void {
  viewListeners.clear();
}

export const lastSeenHeight = () => latestHeight;

export function startLiveUpdates(heightEl: HTMLElement, stateEl: HTMLElement): void {
  subscribeNewBlocks(
    (event) => {
      const height = Number(event.block.header.height);
      if (height <= latestHeight) return;
      latestHeight = height;
      heightEl.textContent = String(height);
      heightEl.setAttribute("href", `#/block/${height}`);
      for (const fn of viewListeners) {
        try {
          fn(event);
        } catch (err) {
          console.error("live update failed", err);
        }
      }
    },
    (live) => {
      stateEl.textContent = live ? "live" : "reconnecting…";
      stateEl.className = live ? "live on" : "live off";
    },
  );
}

/** Seeds the header's height before the first NewBlock arrives. */
export function seedHeight(heightEl: HTMLElement, height: number): void {
  if (height <= latestHeight) return;
  latestHeight = height;
  heightEl.textContent = String(height);
  heightEl.setAttribute("href", `#/block/${height}`);
}
