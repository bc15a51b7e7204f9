// The baseline: a bare Koa JSON POST route (router + body parser, 201), the
// cheapest thing an HTTP JSON API on this stack can do. Prints its port.
import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import Koa from 'koa';

const app = new Koa();
const router = new Router();
router.post('/api/v1/deployments', (ctx) => {
  ctx.status = 201;
  ctx.body = { deployment: ctx.request.body, previous: null };
});
app.use(bodyParser());
app.use(router.routes());
const server = app.listen(0, '127.0.0.1', () => {
  console.log(JSON.stringify({ port: server.address().port }));
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
