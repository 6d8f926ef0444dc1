// A scriptable ActivityPub peer built on Fedify, used by Inspraak's end-to-end tests as
// "a real third-party ActivityPub implementation".
//
// It hosts one actor, `alice` (a Person), records every verified activity its inboxes
// receive, and exposes a small JSON control API under /control/ so a test can make alice
// follow, unfollow, reply, vote and like. Test use only: it allows private addresses and the
// control API has no authentication.
//
// Environment:
//   PORT         port to listen on (0 or unset: a free one); the origin is http://localhost:PORT
//   FIRST_KNOCK  HTTP signature spec for the first attempt to an unknown server:
//                "rfc9421" (Fedify's default) or "draft-cavage-http-signatures-12"
//   LOG_LEVEL    Fedify's log level on stderr: debug, info, warning (default), error, fatal
//   KEY_BITS     4096 to use Fedify's generateCryptoKeyPair (4096-bit RSA); default 2048
//
// On start it prints exactly one line to stdout, `READY http://localhost:PORT`; everything
// else goes to stderr.

import { createServer } from "node:http";
import { randomUUID } from "node:crypto";
import {
  createFederation,
  generateCryptoKeyPair,
  MemoryKvStore,
} from "@fedify/fedify";
import {
  Accept,
  Activity,
  Announce,
  Create,
  Endpoints,
  Follow,
  Like,
  Mention,
  Note,
  Person,
  PUBLIC_COLLECTION,
  Question,
  Reject,
  Undo,
  isActor,
} from "@fedify/vocab";
import { Temporal } from "@js-temporal/polyfill";
import { configure, getStreamSink } from "@logtape/logtape";
import { Writable } from "node:stream";
import { AsyncLocalStorage } from "node:async_hooks";

const IDENTIFIER = "alice";
const FIRST_KNOCK = process.env.FIRST_KNOCK || undefined;
const LOG_LEVEL = process.env.LOG_LEVEL || "warning";

function log(...args) {
  process.stderr.write(`[fedify-peer] ${args.join(" ")}\n`);
}

await configure({
  contextLocalStorage: new AsyncLocalStorage(),
  sinks: { stderr: getStreamSink(Writable.toWeb(process.stderr)) },
  filters: {
    // Every send warns that there is no Ed25519 key for an Object Integrity Proof; there
    // deliberately is none (see the key pair below).
    noProofNoise: (record) =>
      !String(record.rawMessage).startsWith("No supported key found to create a proof"),
  },
  loggers: [
    { category: "fedify", lowestLevel: LOG_LEVEL, sinks: ["stderr"], filters: ["noProofNoise"] },
    { category: ["logtape", "meta"], lowestLevel: "warning", sinks: ["stderr"] },
  ],
});

// The origin contains the port, so the socket is bound first (PORT 0 lets the kernel pick
// one) and the federation is built afterwards; requests before READY get 503.
let ready = false;
const server = createServer((req, res) => {
  if (!ready) {
    res.writeHead(503).end();
    return;
  }
  const path = new URL(req.url, ORIGIN).pathname;
  const handle = path.startsWith("/control/")
    ? handleControl(req, res, path)
    : handleFederation(req, res);
  handle.catch((e) => {
    log(`${req.method} ${req.url} crashed:`, e?.stack ?? String(e));
    if (!res.headersSent) sendJson(res, 500, { error: e?.message ?? String(e) });
    else res.destroy();
  });
});
const requestedPort = Number(process.env.PORT || 0);
await new Promise((resolve) => {
  server.once("error", (e) => {
    log(`cannot listen on 127.0.0.1:${requestedPort}:`, e.message);
    process.exit(1);
  });
  server.listen(requestedPort, "127.0.0.1", resolve);
});
const ORIGIN = `http://localhost:${server.address().port}`;

// ---------------------------------------------------------------------------------------
// State (in memory; a peer lives for one test)

/** Every verified activity received: { type, id, actor, objectId, objectType, inbox, raw, body, poll? }. */
const received = [];
/** Who alice follows: { target, followId, accepted, rejected }. */
const following = [];
/** alice's followers, by actor id: the remote actor objects. */
const followers = new Map();
/** What alice published, by id: Follow, Undo, Accept, Create, Note, Like objects. */
const published = new Map();
/** The Creates alice sent, newest last (her outbox). */
const outbox = [];
let voteCounter = 0;

// ---------------------------------------------------------------------------------------
// Federation

// RSASSA-PKCS1-v1_5 with SHA-256, 2048 bits, as Mastodon uses. Fedify 2.3.6's
// generateCryptoKeyPair("RSASSA-PKCS1-v1_5") always makes 4096-bit keys (about a second to
// generate here), so it is used only when KEY_BITS=4096 is asked for.
const keyPair = process.env.KEY_BITS === "4096"
  ? await generateCryptoKeyPair("RSASSA-PKCS1-v1_5")
  : await crypto.subtle.generateKey(
    {
      name: "RSASSA-PKCS1-v1_5",
      modulusLength: 2048,
      publicExponent: new Uint8Array([1, 0, 1]),
      hash: "SHA-256",
    },
    true,
    ["sign", "verify"],
  );

const federation = createFederation({
  kv: new MemoryKvStore(),
  origin: ORIGIN,
  allowPrivateAddress: true,
  skipSignatureVerification: false,
  ...(FIRST_KNOCK ? { firstKnock: FIRST_KNOCK } : {}),
});

federation
  .setActorDispatcher("/users/{identifier}", async (ctx, identifier) => {
    if (identifier !== IDENTIFIER) return null;
    const keys = await ctx.getActorKeyPairs(identifier);
    return new Person({
      id: ctx.getActorUri(identifier),
      preferredUsername: IDENTIFIER,
      name: "Alice Fedify",
      summary: "A Fedify peer for Inspraak's federation tests.",
      url: ctx.getActorUri(identifier),
      inbox: ctx.getInboxUri(identifier),
      outbox: ctx.getOutboxUri(identifier),
      followers: ctx.getFollowersUri(identifier),
      following: ctx.getFollowingUri(identifier),
      endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }),
      manuallyApprovesFollowers: false,
      // Exactly one RSA key: activitypub_federation understands a single `publicKey` only.
      publicKey: keys[0].cryptographicKey,
      assertionMethods: keys.map((k) => k.multikey),
    });
  })
  .mapHandle((_ctx, username) => username === IDENTIFIER ? IDENTIFIER : null)
  .setKeyPairsDispatcher((_ctx, identifier) =>
    identifier === IDENTIFIER ? [keyPair] : []
  );

federation
  .setFollowersDispatcher("/users/{identifier}/followers", (_ctx, identifier) => {
    if (identifier !== IDENTIFIER) return null;
    return { items: [...followers.values()] };
  })
  .setCounter((_ctx, identifier) => identifier === IDENTIFIER ? followers.size : null);

federation
  .setFollowingDispatcher("/users/{identifier}/following", (_ctx, identifier) => {
    if (identifier !== IDENTIFIER) return null;
    return {
      items: following.filter((f) => f.accepted).map((f) => new URL(f.target)),
    };
  });

federation
  .setOutboxDispatcher("/users/{identifier}/outbox", (_ctx, identifier) => {
    if (identifier !== IDENTIFIER) return null;
    return { items: [...outbox].reverse() };
  })
  .setCounter((_ctx, identifier) => identifier === IDENTIFIER ? outbox.length : null);

// Everything alice sends is dereferenceable at its id. One path per class, because Fedify
// routes object dispatchers by class.
const objectPaths = [
  [Note, "notes"],
  [Create, "creates"],
  [Follow, "follows"],
  [Undo, "undos"],
  [Accept, "accepts"],
  [Like, "likes"],
];
for (const [cls, segment] of objectPaths) {
  federation.setObjectDispatcher(
    cls,
    `/users/{identifier}/${segment}/{id}`,
    (ctx, values) => {
      if (values.identifier !== IDENTIFIER) return null;
      const obj = published.get(
        ctx.getObjectUri(cls, { identifier: values.identifier, id: values.id }).href,
      );
      return obj instanceof cls ? obj : null;
    },
  );
}

/** A fresh, dereferenceable id for an object of class `cls` published by alice. */
function newId(ctx, cls) {
  return ctx.getObjectUri(cls, { identifier: IDENTIFIER, id: randomUUID() });
}

/** The short AS2 type name of a vocabulary object ("Note", "Follow", ...). */
function typeName(obj) {
  const typeId = obj?.constructor?.typeId;
  if (typeId == null) return null;
  const href = typeId.href;
  return href.slice(Math.max(href.lastIndexOf("#"), href.lastIndexOf("/")) + 1);
}

function withTimeout(promise, ms) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

function textOf(value) {
  return value == null ? null : value.toString();
}

/** Votes and counts of a Question, as Fedify sees them. */
async function pollOf(ctx, question) {
  const loaders = { documentLoader: ctx.documentLoader, contextLoader: ctx.contextLoader };
  const options = [];
  const collect = async (iterator) => {
    for await (const option of iterator) {
      let count = null;
      try {
        const replies = await option.getReplies(loaders);
        count = replies?.totalItems ?? null;
      } catch (e) {
        log("poll option replies:", e.message);
      }
      options.push({ name: textOf(option.name), count });
    }
  };
  await collect(question.getExclusiveOptions(loaders));
  await collect(question.getInclusiveOptions(loaders));
  return { votersCount: question.voters, options };
}

async function record(ctx, activity) {
  // Both before getObject(), which may drop the parsed activity's cached JSON.
  // `raw`: Fedify's own compact serialisation of what it understood (terms it does not
  // know are gone; one-element arrays become scalars; Public becomes "as:Public").
  const raw = await activity.toJsonLd({ format: "compact", contextLoader: ctx.contextLoader });
  // `body`: the JSON document as the sender sent it (Fedify keeps it when parsing).
  const body = await activity.toJsonLd({ contextLoader: ctx.contextLoader });
  const entry = {
    type: typeName(activity),
    id: activity.id?.href ?? null,
    actor: activity.actorId?.href ?? null,
    objectId: activity.objectId?.href ?? null,
    objectType: null,
    // Which inbox it came to: "alice" (/users/alice/inbox) or "shared" (/inbox).
    inbox: ctx.recipient ?? "shared",
    raw,
    body,
  };
  // The object's type: from the embedded object if there is one, else by fetching it (the
  // sender serves its objects at their ids). Fedify refetches embedded objects whose origin
  // differs from the activity's.
  const embedded = Array.isArray(raw?.object) ? raw.object[0] : raw?.object;
  let object = null;
  try {
    object = await withTimeout(
      activity.getObject({
        documentLoader: ctx.documentLoader,
        contextLoader: ctx.contextLoader,
      }),
      5000,
    );
  } catch (e) {
    log(`could not get the object of ${entry.type} ${entry.id}:`, e.message);
  }
  if (object != null) {
    entry.objectType = typeName(object);
    entry.objectId ??= object.id?.href ?? null;
  } else if (embedded != null && typeof embedded === "object" && embedded.type != null) {
    entry.objectType = Array.isArray(embedded.type) ? embedded.type[0] : embedded.type;
  }
  if (activity instanceof Announce && entry.objectId == null && typeof embedded === "string") {
    entry.objectId = embedded;
  }
  if (object instanceof Question && typeName(activity) === "Update") {
    try {
      entry.poll = await pollOf(ctx, object);
    } catch (e) {
      log("could not read the poll:", e.message);
    }
  }
  received.push(entry);
  log(`received ${entry.type} ${entry.id} from ${entry.actor} (object ${entry.objectType} ${entry.objectId})`);
  return entry;
}

async function onFollow(ctx, follow) {
  if (follow.objectId?.href !== ctx.getActorUri(IDENTIFIER).href) return;
  const follower = await follow.getActor({
    documentLoader: ctx.documentLoader,
    contextLoader: ctx.contextLoader,
  });
  if (follower == null || follower.id == null) {
    log("Follow without a resolvable actor:", follow.id?.href);
    return;
  }
  followers.set(follower.id.href, follower);
  const accept = new Accept({
    id: newId(ctx, Accept),
    actor: ctx.getActorUri(IDENTIFIER),
    object: follow,
    to: follower.id,
  });
  published.set(accept.id.href, accept);
  // Like Mastodon, accept after answering the Follow's delivery, not inside it.
  setTimeout(() => {
    ctx.sendActivity({ identifier: IDENTIFIER }, follower, accept).then(
      () => log(`accepted the follow of ${follower.id.href}`),
      (e) => log(`could not send Accept to ${follower.id.href}:`, e.message),
    );
  }, 0);
}

function onAcceptOrReject(activity, accepted) {
  const followId = activity.objectId?.href;
  for (const f of following) {
    if (f.followId === followId) {
      f.accepted = accepted;
      f.rejected = !accepted;
    }
  }
}

function onUndo(activity, objectType) {
  if (objectType === "Follow" && activity.actorId != null) {
    followers.delete(activity.actorId.href);
  }
}

federation
  .setInboxListeners("/users/{identifier}/inbox", "/inbox")
  .on(Activity, async (ctx, activity) => {
    const entry = await record(ctx, activity);
    if (activity instanceof Follow) await onFollow(ctx, activity);
    else if (activity instanceof Accept) onAcceptOrReject(activity, true);
    else if (activity instanceof Reject) onAcceptOrReject(activity, false);
    else if (activity instanceof Undo) onUndo(activity, entry.objectType);
  })
  .onError((_ctx, error) => {
    log("inbox error:", error?.stack ?? String(error));
  });

// ---------------------------------------------------------------------------------------
// Control API

/** The context the control API acts in. */
function context() {
  return federation.createContext(new URL(ORIGIN), undefined);
}

async function lookup(ctx, url, what) {
  const obj = await ctx.lookupObject(url);
  if (obj == null) throw new Error(`could not fetch the ${what} ${url}`);
  return obj;
}

async function lookupActor(ctx, url) {
  const actor = await lookup(ctx, url, "actor");
  if (!isActor(actor)) throw new Error(`${url} is a ${typeName(actor)}, not an actor`);
  return actor;
}

/** The actor an object is attributed to, fetched. */
async function authorOf(ctx, obj) {
  if (obj.attributionId == null) throw new Error(`${obj.id?.href} has no attributedTo`);
  return await lookupActor(ctx, obj.attributionId.href);
}

function requireString(body, key) {
  const value = body?.[key];
  if (typeof value !== "string" || value === "") {
    throw new Error(`"${key}" (a string) is required`);
  }
  return value;
}

function pushCreate(create) {
  published.set(create.id.href, create);
  outbox.push(create);
}

const control = {
  "GET /control/received": () => received,

  "GET /control/following": () =>
    following.map(({ target, followId, accepted, rejected }) => ({
      target, followId, accepted, rejected,
    })),

  "POST /control/follow": async (body) => {
    const ctx = context();
    const target = await lookupActor(ctx, requireString(body, "target"));
    const follow = new Follow({
      id: newId(ctx, Follow),
      actor: ctx.getActorUri(IDENTIFIER),
      object: target.id,
      to: target.id,
    });
    published.set(follow.id.href, follow);
    const entry = { target: target.id.href, followId: follow.id.href, accepted: false, rejected: false };
    following.push(entry);
    try {
      await ctx.sendActivity({ identifier: IDENTIFIER }, target, follow);
    } catch (e) {
      following.splice(following.indexOf(entry), 1);
      throw e;
    }
    return { followId: follow.id.href, actor: target.id.href };
  },

  "POST /control/unfollow": async (body) => {
    const ctx = context();
    const target = await lookupActor(ctx, requireString(body, "target"));
    const entries = following.filter((f) => f.target === target.id.href);
    if (entries.length === 0) throw new Error(`alice does not follow ${target.id.href}`);
    const entry = entries[entries.length - 1];
    const follow = published.get(entry.followId);
    const undo = new Undo({
      id: newId(ctx, Undo),
      actor: ctx.getActorUri(IDENTIFIER),
      object: follow,
      to: target.id,
    });
    published.set(undo.id.href, undo);
    await ctx.sendActivity({ identifier: IDENTIFIER }, target, undo);
    for (const f of entries) following.splice(following.indexOf(f), 1);
    return { undoId: undo.id.href, followId: entry.followId };
  },

  "POST /control/reply": async (body) => {
    const ctx = context();
    const parent = await lookup(ctx, requireString(body, "inReplyTo"), "object");
    const content = requireString(body, "content");
    const author = await authorOf(ctx, parent);
    const alice = ctx.getActorUri(IDENTIFIER);
    const handle = `@${textOf(author.preferredUsername) ?? "unknown"}@${author.id.host}`;
    const published_ = Temporal.Now.instant();
    const noteId = newId(ctx, Note);
    const note = new Note({
      id: noteId,
      attribution: alice,
      replyTarget: parent.id,
      content,
      url: noteId,
      published: published_,
      to: PUBLIC_COLLECTION,
      ccs: [ctx.getFollowersUri(IDENTIFIER), author.id],
      tags: [new Mention({ href: author.id, name: handle })],
    });
    const create = new Create({
      id: newId(ctx, Create),
      actor: alice,
      object: note,
      published: published_,
      to: PUBLIC_COLLECTION,
      ccs: [ctx.getFollowersUri(IDENTIFIER), author.id],
    });
    published.set(note.id.href, note);
    pushCreate(create);
    await ctx.sendActivity({ identifier: IDENTIFIER }, author, create);
    return { noteId: note.id.href, createId: create.id.href };
  },

  "POST /control/vote": async (body) => {
    const ctx = context();
    const question = await lookup(ctx, requireString(body, "question"), "question");
    if (!(question instanceof Question)) {
      throw new Error(`${question.id?.href} is a ${typeName(question)}, not a Question`);
    }
    const choices = body?.options;
    if (!Array.isArray(choices) || choices.length === 0 || !choices.every((c) => typeof c === "string")) {
      throw new Error('"options" (a non-empty array of option names) is required');
    }
    const author = await authorOf(ctx, question);
    const alice = ctx.getActorUri(IDENTIFIER);
    const voteIds = [];
    // Exactly as Mastodon (app/serializers/activitypub/vote_serializer.rb): one Create per
    // chosen option, ids `<actor>#votes/<n>` and `<actor>#votes/<n>/activity`, no content.
    for (const name of choices) {
      const n = ++voteCounter;
      const note = new Note({
        id: new URL(`${alice.href}#votes/${n}`),
        name,
        attribution: alice,
        replyTarget: question.id,
        to: author.id,
      });
      const create = new Create({
        id: new URL(`${alice.href}#votes/${n}/activity`),
        actor: alice,
        object: note,
        to: author.id,
      });
      await ctx.sendActivity({ identifier: IDENTIFIER }, author, create);
      voteIds.push(note.id.href);
    }
    return { voteIds };
  },

  "POST /control/like": async (body) => {
    const ctx = context();
    const object = await lookup(ctx, requireString(body, "object"), "object");
    const author = await authorOf(ctx, object);
    const like = new Like({
      id: newId(ctx, Like),
      actor: ctx.getActorUri(IDENTIFIER),
      object: object.id,
      to: author.id,
    });
    published.set(like.id.href, like);
    await ctx.sendActivity({ identifier: IDENTIFIER }, author, like);
    return { likeId: like.id.href };
  },
};

// ---------------------------------------------------------------------------------------
// HTTP server (node:http in front of Fedify's fetch handler)

function sendJson(res, status, value) {
  const body = JSON.stringify(value);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(body),
  });
  res.end(body);
}

async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks);
}

async function handleControl(req, res, path) {
  const handler = control[`${req.method} ${path}`];
  if (handler == null) {
    sendJson(res, 404, { error: `no control endpoint ${req.method} ${path}` });
    return;
  }
  try {
    let body = null;
    if (req.method === "POST") {
      const text = (await readBody(req)).toString("utf8");
      body = text === "" ? {} : JSON.parse(text);
    }
    sendJson(res, 200, await handler(body));
  } catch (e) {
    const message = e?.message ?? String(e);
    log(`${req.method} ${path} failed:`, e?.stack ?? message);
    sendJson(res, 500, { error: message });
  }
}

async function handleFederation(req, res) {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else if (value != null) headers.set(name, value);
  }
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  const request = new Request(new URL(req.url, ORIGIN), {
    method: req.method,
    headers,
    body: hasBody ? await readBody(req) : undefined,
  });
  const response = await federation.fetch(request, {
    contextData: undefined,
    onNotFound: () => new Response("Not found\n", { status: 404, headers: { "content-type": "text/plain" } }),
    onNotAcceptable: () => new Response("Not acceptable\n", { status: 406, headers: { "content-type": "text/plain" } }),
  });
  const outHeaders = {};
  response.headers.forEach((value, name) => {
    outHeaders[name] = value;
  });
  res.writeHead(response.status, outHeaders);
  res.end(Buffer.from(await response.arrayBuffer()));
  if (req.method === "POST" || response.status >= 400) {
    log(`${req.method} ${req.url} -> ${response.status}`);
  }
}

ready = true;
process.stdout.write(`READY ${ORIGIN}\n`);
log(`alice is ${ORIGIN}/users/${IDENTIFIER}`);

for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => {
    server.close();
    process.exit(0);
  });
}
