// Logs as JSON lines (pino), or human-readable lines with --log-format plain.
import { type Logger, pino } from "pino";
import pretty from "pino-pretty";

export type LogFormat = "json" | "plain";
export type { Logger };

export function createLogger(format: LogFormat = "json", level = process.env.LOG_LEVEL ?? "info"): Logger {
  if (format === "plain") {
    return pino(
      { level },
      pretty({ colorize: false, singleLine: true, translateTime: "SYS:HH:MM:ss.l", ignore: "pid,hostname" }),
    );
  }
  return pino({ level, base: undefined });
}
