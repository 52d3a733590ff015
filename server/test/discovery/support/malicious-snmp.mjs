// A misbehaving SNMP agent, as a real UDP process for tests: `node malicious-snmp.mjs MODE` binds
// 127.0.0.1 on a free port and prints `port N`. Modes:
//   other-community  answers every request with the same PDU as a response, under another community
//                    (net-snmp's error then quotes the community it sent: the secret)
//   garbage          answers with bytes that are not BER at all
//   truncated        answers with a valid response cut in half
//   wrong-type       answers with a well-formed message whose PDU is an INTEGER, not a PDU
import { createSocket } from 'node:dgram';

const mode = process.argv[2];

/** [tag, content start, content end] of the BER element at `at`. */
function tlv(buf, at) {
  let len = buf[at + 1];
  let start = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[start + i];
    start += n;
  }
  return [buf[at], start, start + len];
}
function encode(tag, content) {
  const n = content.length;
  const len = n < 128 ? [n] : n < 256 ? [0x81, n] : [0x82, n >> 8, n & 255];
  return Buffer.concat([Buffer.from([tag, ...len]), content]);
}

const sock = createSocket('udp4');
sock.on('message', (msg, from) => {
  const [, body] = tlv(msg, 0);
  const [, , versionEnd] = tlv(msg, body);
  const [, , communityEnd] = tlv(msg, versionEnd);
  const version = msg.subarray(body, versionEnd);
  const pdu = Buffer.from(msg.subarray(communityEnd));
  pdu[0] = 0xa2; // GetResponse
  let reply;
  if (mode === 'other-community')
    reply = encode(0x30, Buffer.concat([version, encode(0x04, Buffer.from('public-from-evil-device')), pdu]));
  else if (mode === 'garbage') reply = Buffer.from('this is not SNMP at all \x00\xff\x13\x37');
  else if (mode === 'truncated') {
    const whole = encode(0x30, Buffer.concat([version, msg.subarray(versionEnd, communityEnd), pdu]));
    reply = whole.subarray(0, Math.floor(whole.length / 2));
  } else if (mode === 'wrong-type')
    reply = encode(
      0x30,
      Buffer.concat([version, msg.subarray(versionEnd, communityEnd), encode(0x02, Buffer.from([42]))]),
    );
  else throw new Error(`unknown mode ${mode}`);
  sock.send(reply, from.port, from.address);
});
sock.bind(0, '127.0.0.1', () => console.log(`port ${sock.address().port}`));
