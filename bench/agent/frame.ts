// The load frames of the bench: 128-byte signed IPv6/UDP multicast frames from the agent's compiler, one
// source address per stream (distinct flows, so a receiver's fanout rings can share them out).
import { compileSignedFrame } from '../../agent/src/load/signed-frame.ts';

export const GROUP = 'ff3e::be';
export const PORT = 5000;

export const frameSpec = (streamId: number) => ({
  srcMac: '02:00:00:00:00:0a',
  srcAddress: `2001:db8:be::${streamId.toString(16)}`,
  group: GROUP,
  port: PORT,
  streamId,
  frameSize: 128,
  hopLimit: 8,
});
export const compiledFrame = (streamId = 1) => compileSignedFrame(frameSpec(streamId));
