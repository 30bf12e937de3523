// Latency worker of tools/bench.sh (benches/driver drives it), with the
// official JavaScript SDK, @opencode-ai/sdk (its v2 client, the one that
// matches opencode 1.x's API):
//
//   node benches/node/client.mjs URL
//
// The same protocol as benches/lua/client.lua: "ready" after a warm-up, then
// for each stdin line "health N" or "cycle N", N calls and "done".
import { createInterface } from "node:readline";
import { createOpencodeClient } from "@opencode-ai/sdk/v2/client";

const url = process.argv[2];
if (!url) throw new Error("usage: client.mjs URL");
const client = createOpencodeClient({ baseUrl: url });

function check(result, what) {
  if (result.error || !result.data) throw new Error(`${what} failed: ${JSON.stringify(result.error)}`);
  return result.data;
}

async function health() {
  check(await client.global.health(), "health");
}

async function cycle() {
  const session = check(await client.session.create({}), "session.create");
  const reply = check(
    await client.session.prompt({ sessionID: session.id, parts: [{ type: "text", text: "hello" }] }),
    "session.prompt",
  );
  if (!reply.info) throw new Error("no reply");
  check(await client.session.delete({ sessionID: session.id }), "session.delete");
}

for (let i = 0; i < 3; i++) await cycle();
for (let i = 0; i < 10; i++) await health();
process.stdout.write("ready\n");

const work = { health, cycle };
for await (const line of createInterface({ input: process.stdin })) {
  if (line === "quit") break;
  const [name, count] = line.split(" ");
  const f = work[name];
  if (!f) throw new Error(`unknown command: ${line}`);
  for (let i = 0; i < Number(count); i++) await f();
  process.stdout.write("done\n");
}
process.exit(0);
