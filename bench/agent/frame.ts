// The frame both senders use: a 128-byte signed IPv6/UDP multicast frame from the agent's compiler.
import { compileSignedFrame } from '../../agent/src/load/signed-frame.ts';

export const FRAME = {
  srcMac: '02:00:5e:00:be:01',
  srcAddress: '2001:db8:be::1',
  group: 'ff3e::be',
  port: 5000,
  streamId: 1,
  frameSize: 128,
  hopLimit: 8,
};
export const compiledFrame = () => compileSignedFrame(FRAME);
