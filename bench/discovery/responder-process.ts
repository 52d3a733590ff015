// Child process: the fast responder serving `devices` copies of the recordings, device i under community
// `d<i>` (recording i mod n, its copy i + 1: own name and MACs), each recording as is under its own name.
// Args: port recordingDir devices name[,name...]. Prints "ready <port>", serves until SIGTERM, then prints
// one JSON line: requests and varbinds answered, bytes sent.
import { join } from 'node:path';
import { startResponder, type Device } from './snmp-responder.ts';
import { loadRecording } from './snmprec.ts';

const [port, dir, devices, names] = process.argv.slice(2);
const recs = names!.split(',').map((n) => ({ name: n, rec: loadRecording(join(dir!, `${n}.snmprec`)) }));
const map = new Map<string, Device>(recs.map(({ name, rec }) => [name, { rec, copy: 0 }]));
for (let i = 0; i < Number(devices); i++) map.set(`d${i}`, { rec: recs[i % recs.length]!.rec, copy: i + 1 });
const { port: bound, answered } = await startResponder(map, Number(port));
console.log(`ready ${bound}`);
process.once('SIGTERM', () => {
  console.log(JSON.stringify(answered));
  process.exit(0);
});
