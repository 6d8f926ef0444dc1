// Self-test of the Fedify peer, without Inspraak: `node tests/fedify-peer/selftest.mjs`.
//
// Starts two peers as child processes and a stand-in for the Rust server ("bob", a small
// node:http server written here that serves hand-written JSON with the Rust server's
// @context, signs with draft-cavage and answers 401 to RFC 9421 signatures as
// activitypub_federation does). Then:
//   - peer 1 follows peer 2's alice by URL; peer 2 records the Follow and accepts it;
//   - peer 1 replies to, likes and votes on bob's objects; bob verifies the signatures
//     (after the double knock) and checks the shapes;
//   - bob sends a signed Update(Question) to peer 1, which records the poll counts;
//   - peer 1 unfollows peer 2.
// Exits non-zero on failure.

import { spawn } from "node:child_process";
import { createServer } from "node:http";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createInterface } from "node:readline";
import { exportSpki, getDocumentLoader, signRequest, verifyRequest } from "@fedify/fedify";

const here = dirname(fileURLToPath(import.meta.url));
const AS_PUBLIC = "https://www.w3.org/ns/activitystreams#Public";
const children = [];
let passed = 0;
let failed = 0;

function check(name, condition, detail) {
  if (condition) {
    passed++;
    console.log(`ok   ${name}`);
  } else {
    failed++;
    console.log(`FAIL ${name}${detail === undefined ? "" : `: ${JSON.stringify(detail)}`}`);
  }
}

function startPeer(label, env = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(here, "peer.mjs")], {
      env: { ...process.env, PORT: "0", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.push(child);
    createInterface({ input: child.stderr }).on("line", (line) =>
      process.stderr.write(`  [${label}] ${line}\n`)
    );
    const timer = setTimeout(() => reject(new Error(`${label} did not become ready`)), 20000);
    createInterface({ input: child.stdout }).once("line", (line) => {
      clearTimeout(timer);
      const match = /^READY (http:\/\/localhost:\d+)$/.exec(line);
      if (match) resolve(match[1]);
      else reject(new Error(`${label}: unexpected first line ${JSON.stringify(line)}`));
    });
    child.once("exit", (code) => reject(new Error(`${label} exited with ${code}`)));
  });
}

async function control(origin, method, path, body) {
  const response = await fetch(`${origin}/control/${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await response.json();
  if (!response.ok) throw new Error(`${method} /control/${path}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

async function waitFor(what, predicate, timeoutMs = 10000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await predicate();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function getAs(url) {
  const response = await fetch(url, { headers: { accept: "application/activity+json" } });
  return { status: response.status, json: response.ok ? await response.json() : null };
}

const arr = (v) => (v == null ? [] : Array.isArray(v) ? v : [v]);

// ---------------------------------------------------------------------------------------
// "bob": a stand-in for the Rust server

async function startBob() {
  const keys = await crypto.subtle.generateKey(
    { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
    true,
    ["sign", "verify"],
  );
  const pem = await exportSpki(keys.publicKey);
  const inbox = []; // activities that passed bob's signature check
  const knocks = { rfc9421: 0, cavage: 0 };
  const documentLoader = getDocumentLoader({ allowPrivateAddress: true });
  // The Rust server's context: AS2, security/v1 and an inline object.
  const context = [
    "https://www.w3.org/ns/activitystreams",
    "https://w3id.org/security/v1",
    { toot: "http://joinmastodon.org/ns#", votersCount: "toot:votersCount" },
  ];
  let origin;
  const docs = () => ({
    "/users/bob": {
      "@context": context,
      id: `${origin}/users/bob`,
      type: "Person",
      preferredUsername: "bob",
      name: "Bob Rust",
      inbox: `${origin}/users/bob/inbox`,
      outbox: `${origin}/users/bob/outbox`,
      followers: `${origin}/users/bob/followers`,
      endpoints: { sharedInbox: `${origin}/inbox` },
      publicKey: { id: `${origin}/users/bob#main-key`, owner: `${origin}/users/bob`, publicKeyPem: pem },
    },
    "/notes/1": {
      "@context": context,
      id: `${origin}/notes/1`,
      type: "Note",
      attributedTo: `${origin}/users/bob`,
      content: "<p>Hello from bob</p>",
      to: [AS_PUBLIC],
      published: "2026-01-01T00:00:00Z",
    },
    "/questions/1": question(0, 0),
  });
  const question = (yes, no) => ({
    "@context": context,
    id: `${origin}/questions/1`,
    type: "Question",
    attributedTo: `${origin}/users/bob`,
    content: "<p>Yes or no?</p>",
    to: [AS_PUBLIC],
    endTime: "2099-01-01T00:00:00Z",
    votersCount: yes + no,
    oneOf: [
      { type: "Note", name: "Yes", replies: { type: "Collection", totalItems: yes } },
      { type: "Note", name: "No", replies: { type: "Collection", totalItems: no } },
    ],
  });

  const server = createServer(async (req, res) => {
    const url = new URL(req.url, origin);
    if (req.method === "GET") {
      const doc = docs()[url.pathname];
      if (doc == null) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { "content-type": "application/activity+json" });
      res.end(JSON.stringify(doc));
      return;
    }
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const body = Buffer.concat(chunks);
    if (req.headers["signature-input"] != null) {
      // activitypub_federation cannot verify RFC 9421: the Rust server answers 401.
      knocks.rfc9421++;
      res.writeHead(401).end();
      return;
    }
    knocks.cavage++;
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) headers.set(k, Array.isArray(v) ? v.join(", ") : v);
    const request = new Request(url, { method: "POST", headers, body });
    const key = await verifyRequest(request, { documentLoader, contextLoader: documentLoader });
    if (key == null) {
      res.writeHead(401).end();
      return;
    }
    inbox.push(JSON.parse(body.toString("utf8")));
    res.writeHead(202).end();
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  origin = `http://localhost:${server.address().port}`;
  children.push({ kill: () => server.close() });

  async function send(inboxUrl, activity) {
    const body = JSON.stringify(activity);
    const request = new Request(inboxUrl, {
      method: "POST",
      headers: { "content-type": "application/activity+json" },
      body,
    });
    const signed = await signRequest(request, keys.privateKey, new URL(`${origin}/users/bob#main-key`), {
      spec: "draft-cavage-http-signatures-12",
      body: new TextEncoder().encode(body).buffer,
    });
    const response = await fetch(signed);
    return response.status;
  }

  return { get origin() { return origin; }, inbox, knocks, send, question };
}

// ---------------------------------------------------------------------------------------

async function main() {
  const [peer1, peer2, bob] = await Promise.all([startPeer("peer1"), startPeer("peer2"), startBob()]);
  console.log(`peer1 ${peer1}, peer2 ${peer2}, bob ${bob.origin}`);
  const alice1 = `${peer1}/users/alice`;
  const alice2 = `${peer2}/users/alice`;

  // The actor document: one RSA publicKey object.
  const actor = (await getAs(alice2)).json;
  check("actor has a single RSA publicKey", actor?.publicKey?.publicKeyPem?.includes("BEGIN PUBLIC KEY") && !Array.isArray(actor.publicKey), actor?.publicKey);
  check("actor has inbox, shared inbox, followers", actor?.inbox === `${alice2}/inbox` && actor?.endpoints?.sharedInbox === `${peer2}/inbox` && actor?.followers === `${alice2}/followers`);
  const wf = await (await fetch(`${peer2}/.well-known/webfinger?resource=${encodeURIComponent(`acct:alice@${new URL(peer2).host}`)}`)).json();
  check("WebFinger self link", wf.links?.some((l) => l.rel === "self" && l.href === alice2), wf);

  // Follow and Accept between the two peers.
  const follow = await control(peer1, "POST", "follow", { target: alice2 });
  check("follow returns followId and actor", typeof follow.followId === "string" && follow.actor === alice2, follow);
  const accepted = await waitFor("the Accept", async () =>
    (await control(peer1, "GET", "following")).find((f) => f.followId === follow.followId && f.accepted)
  ).catch((e) => e);
  check("peer1's follow is accepted", !(accepted instanceof Error), String(accepted));
  const received2 = await control(peer2, "GET", "received");
  const followRecord = received2.find((r) => r.type === "Follow");
  check("peer2 recorded the Follow", followRecord?.id === follow.followId && followRecord.actor === alice1 && followRecord.objectId === alice2 && followRecord.objectType === "Person", followRecord);
  check("the Follow came to alice's own inbox", followRecord?.inbox === "alice", followRecord?.inbox);
  check("the Follow record has raw JSON", followRecord?.raw?.type === "Follow", followRecord?.raw);
  const acceptRecord = (await control(peer1, "GET", "received")).find((r) => r.type === "Accept");
  check("peer1 recorded the Accept of its Follow", acceptRecord?.objectId === follow.followId && acceptRecord.objectType === "Follow", acceptRecord);
  check("the Follow is dereferenceable", (await getAs(follow.followId)).json?.type === "Follow");
  const followers2 = (await getAs(`${alice2}/followers`)).json;
  check("peer2's followers collection lists peer1's alice", followers2?.totalItems === 1, followers2);

  // Reply to bob's Note (bob answers 401 to RFC 9421, so Fedify double-knocks with cavage).
  const reply = await control(peer1, "POST", "reply", { inReplyTo: `${bob.origin}/notes/1`, content: "<p>Hi bob</p>" });
  const create = bob.inbox.find((a) => a.type === "Create" && a.id === reply.createId);
  const note = create?.object;
  check("bob received the reply's Create", create != null && create.actor === alice1, bob.inbox);
  check("reply Note shape", note?.id === reply.noteId && note.inReplyTo === `${bob.origin}/notes/1` && note.content === "<p>Hi bob</p>" && note.attributedTo === alice1, note);
  check("reply addressing", arr(note?.to).includes(AS_PUBLIC) && arr(note?.cc).includes(`${alice1}/followers`) && arr(note?.cc).includes(`${bob.origin}/users/bob`), { to: note?.to, cc: note?.cc });
  check("reply mentions bob", arr(note?.tag).some((t) => t.type === "Mention" && t.href === `${bob.origin}/users/bob`), note?.tag);
  if (process.env.FIRST_KNOCK === "draft-cavage-http-signatures-12") {
    check("FIRST_KNOCK=cavage: no RFC 9421 knock", bob.knocks.rfc9421 === 0 && bob.knocks.cavage >= 1, bob.knocks);
  } else {
    check("double knock: RFC 9421 refused, cavage accepted", bob.knocks.rfc9421 >= 1 && bob.knocks.cavage >= 1, bob.knocks);
  }
  check("reply Note is dereferenceable", (await getAs(reply.noteId)).json?.content === "<p>Hi bob</p>");
  check("reply Create is dereferenceable", (await getAs(reply.createId)).json?.type === "Create");

  // Like bob's Note.
  const like = await control(peer1, "POST", "like", { object: `${bob.origin}/notes/1` });
  const likeActivity = bob.inbox.find((a) => a.id === like.likeId);
  check("bob received the Like", likeActivity?.type === "Like" && likeActivity.object === `${bob.origin}/notes/1` && likeActivity.actor === alice1, likeActivity);

  // Vote on bob's Question, as Mastodon does.
  const vote = await control(peer1, "POST", "vote", { question: `${bob.origin}/questions/1`, options: ["Yes"] });
  const voteCreate = bob.inbox.find((a) => a.type === "Create" && a.object?.id === vote.voteIds[0]);
  const voteNote = voteCreate?.object;
  check("bob received the vote", voteNote != null && vote.voteIds.length === 1 && vote.voteIds[0].startsWith(`${alice1}#votes/`), bob.inbox.map((a) => a.type));
  check("vote Note shape", voteNote?.type === "Note" && voteNote.name === "Yes" && voteNote.content === undefined && voteNote.inReplyTo === `${bob.origin}/questions/1` && voteNote.attributedTo === alice1 && arr(voteNote.to).includes(`${bob.origin}/users/bob`), voteNote);
  check("vote Create id", voteCreate?.id === `${vote.voteIds[0]}/activity`, voteCreate?.id);

  // bob sends Update(Question) with new counts; peer1 records the poll.
  const updateId = `${bob.origin}/activities/update-1`;
  const status = await bob.send(`${alice1}/inbox`, {
    "@context": bob.question(1, 0)["@context"],
    id: updateId,
    type: "Update",
    actor: `${bob.origin}/users/bob`,
    to: [AS_PUBLIC],
    object: { ...bob.question(1, 0), "@context": undefined },
  });
  check("peer1 accepted the signed Update", status >= 200 && status < 300, status);
  const update = (await control(peer1, "GET", "received")).find((r) => r.id === updateId);
  check("peer1 recorded the Update(Question)", update?.type === "Update" && update.objectType === "Question" && update.objectId === `${bob.origin}/questions/1`, update);
  check("record.body is the JSON as sent", update?.body?.object?.votersCount === 1 && JSON.stringify(update.body.to) === JSON.stringify([AS_PUBLIC]) && update.body["@context"]?.[2]?.toot === "http://joinmastodon.org/ns#", update?.body);
  check("poll counts", update?.poll?.votersCount === 1 && JSON.stringify(update.poll.options) === JSON.stringify([{ name: "Yes", count: 1 }, { name: "No", count: 0 }]), update?.poll);

  // A bad signature is refused and not recorded.
  const forged = await fetch(`${alice1}/inbox`, {
    method: "POST",
    headers: { "content-type": "application/activity+json" },
    body: JSON.stringify({ "@context": "https://www.w3.org/ns/activitystreams", id: `${bob.origin}/activities/forged`, type: "Like", actor: `${bob.origin}/users/bob`, object: reply.noteId }),
  });
  check("unsigned activity refused", forged.status === 401, forged.status);
  check("unsigned activity not recorded", !(await control(peer1, "GET", "received")).some((r) => r.id === `${bob.origin}/activities/forged`));

  // Unfollow.
  const unfollow = await control(peer1, "POST", "unfollow", { target: alice2 });
  const undoRecord = (await control(peer2, "GET", "received")).find((r) => r.type === "Undo");
  check("peer2 recorded the Undo(Follow)", undoRecord?.id === unfollow.undoId && undoRecord.objectId === follow.followId && undoRecord.objectType === "Follow", undoRecord);
  check("following list is empty after unfollow", (await control(peer1, "GET", "following")).length === 0);

  // Errors are JSON with status 500.
  const bad = await fetch(`${peer1}/control/follow`, { method: "POST", body: "{}" });
  check("control error is 500 with {error}", bad.status === 500 && typeof (await bad.json()).error === "string");
}

try {
  await main();
} catch (e) {
  failed++;
  console.log(`FAIL ${e?.stack ?? e}`);
} finally {
  for (const child of children) child.kill();
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
