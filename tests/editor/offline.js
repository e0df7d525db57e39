// Preloaded into yaml-language-server by the editor tests (node --require): no connection
// leaves the process, and every host it tried is appended to $ISOLLM_NET_LOG, so a test can
// assert that the editor needed nothing from the network.
'use strict';
const fs = require('fs');
const net = require('net');
const log = process.env.ISOLLM_NET_LOG;

net.Socket.prototype.connect = function connect(...args) {
  const options = typeof args[0] === 'object' && args[0] !== null ? args[0] : { port: args[0], host: args[1] };
  const where = options.path || `${options.host || 'localhost'}:${options.port}`;
  if (log) fs.appendFileSync(log, `${where}\n`);
  const error = Object.assign(new Error(`connect ENETUNREACH ${where} (no network in tests)`), { code: 'ENETUNREACH' });
  process.nextTick(() => this.destroy(error));
  return this;
};
