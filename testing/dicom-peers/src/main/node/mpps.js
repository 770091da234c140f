const { Client, requests, constants, Dataset } = require('dcmjs-dimse');
const { NCreateRequest, NSetRequest } = requests;
const MPPS = '1.2.840.10008.3.1.2.3.3';
const [host, port, calling, called, json] = process.argv.slice(2);
const steps = JSON.parse(json);
const client = new Client();
const out = [];
for (const s of steps) {
  const r = s.op === 'create' ? new NCreateRequest(MPPS, s.uid) : new NSetRequest(MPPS, s.uid);
  r.setDataset(new Dataset(s.dataset));
  r.on('response', (rsp) => out.push({ status: rsp.getStatus(), errorComment: rsp.getErrorComment ? rsp.getErrorComment() : null, uid: rsp.getAffectedSopInstanceUid ? rsp.getAffectedSopInstanceUid() : null }));
  client.addRequest(r);
}
client.on('associationRejected', (e) => { console.log(JSON.stringify({ rejected: e })); process.exit(3); });
client.on('networkError', (e) => { console.log(JSON.stringify({ networkError: String(e) })); process.exit(2); });
// done once our A-RELEASE-RQ is answered: PixelMed's acceptor then waits its ARTIM time (5 s) before it closes the
// connection, which the 'closed' event alone would wait for
let done = false;
const finish = () => { if (!done) { done = true; console.log(JSON.stringify({ responses: out })); process.exit(0); } };
client.on('associationReleased', finish);
client.on('closed', finish);
client.send(host, Number(port), calling, called);
