# Reference for bench:frames: Scapy building the same frame (Ethernet/IPv6/UDP + 24-byte signature +
# 8 filler bytes) from its layers once per frame, as a Scapy-based generator does. Prints frames/s,
# then the hex of the frame for seq 5, send time 6 s 7 ns (run.ts checks it equals ours).
import struct
import sys
import time

from scapy.layers.inet import UDP
from scapy.layers.inet6 import IPv6
from scapy.layers.l2 import Ether
from scapy.packet import Raw

seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 3.0
frames = 0
start = time.perf_counter()
end = start + seconds


def frame(seq, sec, nsec):
    payload = struct.pack('>IIQII', 0x4E535054, 1, seq, sec, nsec) + bytes(8)
    return bytes(
        Ether(dst='33:33:00:00:12:34', src='02:00:00:00:00:0a')
        / IPv6(src='2001:db8::a', dst='ff3e::1234', hlim=64)
        / UDP(sport=5001, dport=5000)
        / Raw(payload)
    )


while time.perf_counter() < end:
    for _ in range(64):
        now = time.time_ns()
        frame(frames, now // 1_000_000_000, now % 1_000_000_000)
        frames += 1
print(f'{frames / (time.perf_counter() - start):.0f}')
print(frame(5, 6, 7).hex())
