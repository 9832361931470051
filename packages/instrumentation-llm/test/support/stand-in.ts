// Typed access to the shared OpenAI stand-in (plain ESM under examples/, also used by the demo).
// @ts-expect-error -- untyped .mjs module
import { startStandIn as start } from '../../../../examples/llm-stand-in/server.mjs';

export interface ServedResponse {
  path: string;
  model: string | null;
  usage: Record<string, any> | null;
  status: number;
}
export interface StandIn {
  url: string;
  port: number;
  requests: { method: string; path: string; headers: Record<string, string>; body: any }[];
  served: ServedResponse[];
  enqueue(c: unknown): void;
  close(): Promise<void>;
}

export const startStandIn: (options?: { port?: number }) => Promise<StandIn> = start;
