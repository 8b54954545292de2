#!/bin/bash
set -u
P=olascap$$
N=interop/netns.sh
$N hosts create $P 2 || exit 1
trap '$N hosts delete $P 2; rm -rf /tmp/artcap/olad' EXIT
true

pid=$($N olad $P-1 /tmp/artcap/olad artnet) || { echo olad failed; exit 1; }
echo olad pid $pid
# conf was written; set ip and restart
kill -TERM $pid; sleep 3
sed -i 's/^ip = .*/ip = 198.18.0.1/' /tmp/artcap/olad/ola-artnet.conf
cat /tmp/artcap/olad/ola-artnet.conf
ip netns exec $P-1 runuser -u olad -- olad -c /tmp/artcap/olad --no-register-with-dns-sd -l 3 > /tmp/artcap/olad2.log 2>&1 &
pid=$!
sleep 4
ip netns exec $P-2 timeout 10 tshark -i eth0 -f "udp port 6454" -w /tmp/artcap/poll.pcap &
sleep 3
# send ArtPoll (14 bytes) from host 2 to olad unicast
ip netns exec $P-2 /usr/bin/python3 -c '
import socket
s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
s.bind(("",6454))
s.sendto(b"Art-Net\x00\x00\x20\x00\x0e\x02\x00",("198.18.0.255",6454))
s.settimeout(3)
while True:
  d,a=s.recvfrom(1000)
  if a[0]=="198.18.0.1":
    open("/tmp/artcap/olad-artpollreply.bin","wb").write(d); print(len(d), d.hex()); break
'
sleep 3
ip netns exec $P-1 ip link show eth0
kill -TERM $pid; sleep 2
wait
