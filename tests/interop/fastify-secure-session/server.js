'use strict'
// A Fastify app with @fastify/secure-session, configured from the
// environment by nestling's interop test (tests/tests/secure_session_fastify.rs):
//   KEYS    comma-separated base64 keys (the first encrypts), or
//   SECRET  and SALT, to derive the key as the plugin does.
// It listens on 127.0.0.1 on a free port and prints `listening <port>`.

const fastify = require('fastify')({ logger: false })

const options = { cookie: { path: '/' } }
if (process.env.KEYS) {
  const keys = process.env.KEYS.split(',').map((k) => Buffer.from(k, 'base64'))
  options.key = keys.length === 1 ? keys[0] : keys
} else {
  options.secret = process.env.SECRET
  options.salt = process.env.SALT
}
fastify.register(require('@fastify/secure-session'), options)

// The seed's counter.
fastify.get('/visits', async (request) => {
  const visits = request.session.get('visits')
  request.session.set('visits', visits ? visits + 1 : 1)
  return String(request.session.get('visits'))
})

// Reads a key: its JSON, or `undefined`.
fastify.get('/get/:key', async (request) => {
  const value = request.session.get(request.params.key)
  return value === undefined ? 'undefined' : JSON.stringify(value)
})

// Stores a key: `?json=<JSON text>`.
fastify.get('/set/:key', async (request) => {
  request.session.set(request.params.key, JSON.parse(request.query.json))
  return 'ok'
})

fastify.listen({ host: '127.0.0.1', port: 0 }, (error, address) => {
  if (error) {
    console.error(error)
    process.exit(1)
  }
  console.log('listening ' + new URL(address).port)
})
