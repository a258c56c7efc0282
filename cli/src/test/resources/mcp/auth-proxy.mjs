// A reverse proxy for the MCP conformance suite, which cannot send a bearer token: every request
// goes to the target with "Authorization: Bearer TOKEN" added and everything else as it came
// (Host and Origin included, so the DNS-rebinding checks still see the client's). Streams both ways.
// argv: TARGET_PORT TOKEN; prints the port it listens on (127.0.0.1, chosen by the system).
import http from 'node:http';

const [, , targetPort, token] = process.argv;
const server = http.createServer((req, res) => {
  const headers = { ...req.headers, authorization: 'Bearer ' + token };
  const upstream = http.request({ host: '127.0.0.1', port: Number(targetPort), path: req.url, method: req.method, headers },
    (r) => {
      res.writeHead(r.statusCode, r.headers);
      res.flushHeaders();
      r.pipe(res);
    });
  upstream.on('error', () => res.destroy());
  res.on('close', () => upstream.destroy());
  req.pipe(upstream);
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
