// The Express side of tests/tests/interop_express.rs: express-session on
// connect-redis 9 (STORE=redis) or connect-pg-simple 10 (STORE=postgres),
// with the same cookie, secret and routes as the nestling app the test
// runs beside it. Prints "listening <port>" once it accepts connections.
//
// Environment: STORE, SECRET, REDIS_URL, PREFIX, DATABASE_URL, SCHEMA.
'use strict';

const express = require('express');
const session = require('express-session');

async function store() {
  if (process.env.STORE === 'postgres') {
    const PgStore = require('connect-pg-simple')(session);
    return new PgStore({
      conString: process.env.DATABASE_URL,
      schemaName: process.env.SCHEMA,
      createTableIfMissing: true,
      pruneSessionInterval: false,
    });
  }
  const { createClient } = require('redis');
  const { RedisStore } = require('connect-redis');
  const client = createClient({ url: process.env.REDIS_URL });
  await client.connect();
  return new RedisStore({ client, prefix: process.env.PREFIX });
}

async function main() {
  const app = express();
  app.use(session({
    secret: process.env.SECRET,
    resave: false,
    saveUninitialized: false,
    cookie: { maxAge: 60000 },
    store: await store(),
  }));
  app.get('/visits', (req, res) => {
    req.session.visits = (req.session.visits || 0) + 1;
    res.json({ visits: req.session.visits });
  });
  app.get('/read', (req, res) => {
    const { cookie, ...data } = req.session;
    res.json({ data });
  });
  app.get('/set', (req, res) => {
    req.session[String(req.query.key)] = String(req.query.value);
    res.json({ ok: true });
  });
  app.get('/logout', (req, res, next) => {
    req.session.destroy((err) => (err ? next(err) : res.json({ loggedOut: true })));
  });
  const server = app.listen(0, '127.0.0.1', () => {
    console.log(`listening ${server.address().port}`);
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
