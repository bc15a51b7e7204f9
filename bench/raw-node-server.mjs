// The bare route of bare-server.mjs without Koa: node:http alone reads the
// JSON body and answers 201 with it. Not part of `npm run bench`: it tells
// what Koa itself costs on this machine, for the question whether SVT's
// write route should leave Koa (BENCHMARKS.md). Prints its port.
import { createServer } from 'node:http';

const server = createServer((req, res) => {
  if (req.method !== 'POST' || req.url !== '/api/v1/deployments') {
    res.statusCode = 404;
    res.end();
    return;
  }
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    let body;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      res.statusCode = 400;
      res.end();
      return;
    }
    const out = JSON.stringify({ deployment: body, previous: null });
    res.writeHead(201, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(out),
    });
    res.end(out);
  });
});
server.listen(0, '127.0.0.1', () => {
  console.log(JSON.stringify({ port: server.address().port }));
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
