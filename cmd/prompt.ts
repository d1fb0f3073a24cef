// Reads answers from stdin one line at a time: typed at a terminal (with a prompt on stderr, hidden for
// passphrases) or piped in (`printf '%s\n' "$MNEMONIC" "$PASSPHRASE" | openledgerd keys add ...`).
import { createInterface, type Interface } from "node:readline";
import { Writable } from "node:stream";

let rl: Interface | undefined;
let lines: AsyncIterator<string> | undefined;
let muted = false;

function lineIterator(): AsyncIterator<string> {
  if (!lines) {
    // Echo of typed characters goes through this stream, so hidden input is muted here.
    const echo = new Writable({
      write(chunk, _encoding, done) {
        if (!muted) process.stderr.write(chunk);
        done();
      },
    });
    rl = createInterface({ input: process.stdin, output: echo, terminal: Boolean(process.stdin.isTTY) });
    lines = rl[Symbol.asyncIterator]();
  }
  return lines;
}

/** One line of stdin; `what` names it in the error when stdin has ended. */
export async function readLine(
  what: string,
  opts: { prompt?: string; hidden?: boolean } = {},
): Promise<string> {
  const tty = Boolean(process.stdin.isTTY);
  if (tty && opts.prompt) process.stderr.write(opts.prompt);
  muted = tty && Boolean(opts.hidden);
  try {
    const next = await lineIterator().next();
    if (next.done) throw new Error(`expected ${what} on stdin, but stdin ended`);
    return next.value;
  } finally {
    if (muted) process.stderr.write("\n");
    muted = false;
  }
}

/** Lets the process exit: stops reading stdin if anything was asked. */
export function closePrompt(): void {
  rl?.close();
  rl = undefined;
  lines = undefined;
}
