# A check of the DHCP test lab itself, against dnsmasq as the reference server: proves
# that dhcp_client.py and dhcp_lab.py's dhclient, udhcpc, dhcpcd and dhcrelay helpers get
# and report real leases, so a test_dhcpd.py failure points at pxe-dhcpd, not at the lab.
import socket
import time

import pytest

import dhcp_client as dc
from dhcp_lab import DhcpLab, PXE_BIOS_VENDOR, addr_in


@pytest.fixture
def lab(netlab, daemons, tmp_path):
    lab = DhcpLab(netlab, daemons, tmp_path)
    yield lab
    lab.close()


def dnsmasq_on_bridge(lab, *extra, first=100, last=199):
    """dnsmasq in the server namespace on the bridge (10.77.N.1), as pxe-dhcpd would be."""
    args = [f"--dhcp-range={lab.net(first)},{lab.net(last)},255.255.255.0,1h",
            f"--dhcp-option=option:router,{lab.addr}",
            f"--dhcp-option=option:dns-server,{lab.addr},{lab.net(2)}",
            "--dhcp-option=option:domain-name,lab.example",
            f"--dhcp-boot=pxelinux.0,,{lab.addr}"] + list(extra)
    return lab.start_dnsmasq(None, args)


def check_lease(res, lab, lease_time=3600):
    assert res.bound, res.describe()
    assert addr_in(res.address, lab.net(100), lab.net(199)), res.describe()
    assert res.routers == [lab.addr], res.describe()
    assert res.dns == [lab.addr, lab.net(2)], res.describe()
    assert res.lease_time == lease_time, res.describe()


def test_py_client_dora(lab):
    dnsmasq_on_bridge(lab)
    c = lab.py()
    lease = c.dora(dc.lab_mac(1), client_id=True, params=dc.BASIC_PARAMS)
    assert lease.ack is not None, lease
    assert addr_in(lease.address, lab.net(100), lab.net(199))
    assert lease.ack.routers == [lab.addr]
    assert lease.ack.dns == [lab.addr, lab.net(2)]
    assert lease.ack.lease_time == 3600
    assert lease.ack.server_id == lab.addr
    assert lease.offer.file == b"pxelinux.0" and lease.offer.siaddr == lab.addr


def test_py_client_unicast_reply_to_fake_mac(lab):
    # No broadcast flag: dnsmasq answers with a unicast frame to chaddr / yiaddr, which
    # only the packet socket (promiscuous) sees.
    dnsmasq_on_bridge(lab)
    c = lab.py()
    lease = c.dora(dc.lab_mac(2), broadcast=False)
    assert lease.ack is not None
    assert lease.ack.dst == (lease.address, 68), lease.ack


def test_py_client_renew_unicast_and_release(lab):
    dnsmasq_on_bridge(lab, "--dhcp-authoritative")
    cli = lab.client()
    c = cli.py()
    mac = dc.lab_mac(3)
    lease = c.dora(mac)
    cli.assign(lease.address)
    r = dc.request(mac, ciaddr=lease.address, broadcast=False)
    got = c.exchange(r, dst=lab.addr, types=[dc.ACK, dc.NAK])
    assert got and got[0].type == dc.ACK and got[0].yiaddr == lease.address
    c.send(dc.release(mac, lease.address, lab.addr), dst=lab.addr)
    time.sleep(0.3)
    cli.flush()
    # INIT-REBOOT for an address on the subnet nobody holds: dnsmasq (authoritative) NAKs
    # a wrong one.
    r = dc.request(mac, requested=lab.net(77))
    got = c.exchange(r, types=[dc.ACK, dc.NAK])
    assert got and got[0].type == dc.NAK, got


def test_py_client_decodes_overload(lab):
    # A long boot file name makes dnsmasq... not overload; check the codec directly.
    m = dc.Message(op=dc.BOOTREPLY, xid=7, chaddr=dc.lab_mac(9))
    m.set(dc.OPT_MSG_TYPE, dc.OFFER)
    raw = bytearray(m.encode(end=False))
    opts_file = dc.encode_options([(dc.OPT_BOOTFILE, b"from-file"), (dc.OPT_VENDOR, b"a")])
    opts_sname = dc.encode_options([(dc.OPT_VENDOR, b"b"), (dc.OPT_HOSTNAME, b"h")])
    raw[108:108 + 128] = (opts_file + b"\xff").ljust(128, b"\0")
    raw[44:44 + 64] = (b"\0\0" + opts_sname + b"\xff").ljust(64, b"\0")
    body = bytes(raw[:240]) + bytes([dc.OPT_MSG_TYPE, 1, dc.OFFER, dc.OPT_OVERLOAD, 1, 3,
                                     dc.OPT_VENDOR, 1]) + b"x" + b"\xff"
    d = dc.decode(body)
    assert d.overload == 3 and d.file == b"" and d.sname == b""
    assert d.opt(dc.OPT_BOOTFILE) == b"from-file" and d.boot_file == "from-file"
    assert d.opt(dc.OPT_VENDOR) == b"xab"        # options, then file, then sname (RFC 3396)
    assert d.opt(dc.OPT_HOSTNAME) == b"h"
    long = dc.Message(chaddr=dc.lab_mac(1)).set(dc.OPT_VENDOR_CLASS, b"v" * 600)
    assert dc.decode(long.encode()).opt(dc.OPT_VENDOR_CLASS) == b"v" * 600


def test_hostile_senders_do_not_kill_dnsmasq(lab):
    d = dnsmasq_on_bridge(lab)
    c = lab.py()
    for name, data in dc.hostile_messages().items():
        c.send_raw(data)
        c.send_raw(data, dst=lab.addr)
    time.sleep(0.5)
    assert d.alive()
    assert c.dora(dc.lab_mac(4)).ack is not None


def test_dhclient_gets_lease_and_pxe_fields(lab):
    dnsmasq_on_bridge(lab)
    cli = lab.client()
    res = lab.dhclient(cli, send=[("vendor-class-identifier", f'"{PXE_BIOS_VENDOR}"')])
    check_lease(res, lab)
    assert res.server_id == lab.addr
    assert res.filename == "pxelinux.0", res.env
    assert res.domain == "lab.example"
    # Run again with the same lease file: INIT-REBOOT, the same address.
    again = lab.dhclient(cli, lease_file=res.lease_file)
    assert again.address == res.address, again.describe()
    assert again.reason == "REBOOT", again.describe()


def test_udhcpc_gets_lease(lab):
    dnsmasq_on_bridge(lab)
    res = lab.udhcpc(lab.client(), vendor=PXE_BIOS_VENDOR)
    check_lease(res, lab)
    assert res.filename == "pxelinux.0" and res.next_server == lab.addr, res.env
    assert res.server_id == lab.addr


def test_dhcpcd_gets_lease(lab):
    dnsmasq_on_bridge(lab)
    cli = lab.client()
    res = lab.dhcpcd(cli, vendor=PXE_BIOS_VENDOR)
    check_lease(res, lab)
    assert res.server_id == lab.addr


def test_dhcrelay_relays_to_server(lab):
    relay, cli, prefix, down = lab.relay()
    dnsmasq_on_bridge(lab, f"--dhcp-range={prefix}.100,{prefix}.150,255.255.255.0,1h")
    lab.start_dhcrelay(relay, down)
    res = lab.udhcpc(cli)
    assert res.bound, res.describe()
    assert addr_in(res.address, f"{prefix}.100", f"{prefix}.150"), res.describe()
    c = cli.py()
    lease = c.dora(dc.lab_mac(5))
    assert lease.ack is not None and addr_in(lease.address, f"{prefix}.100",
                                             f"{prefix}.150")
    assert lease.ack.giaddr == down.addr


def test_proxy_offer_beside_address_server(lab):
    # dnsmasq on a peer owns the addresses; a second dnsmasq in proxy mode on the bridge
    # stands where pxe-dhcpd's proxy mode will: two offers, then the 4011 exchange.
    peer = lab.peer()
    lab.start_dnsmasq(peer, [f"--dhcp-range={lab.net(100)},{lab.net(150)},255.255.255.0,1h"])
    lab.start_dnsmasq(None, [f"--dhcp-range={lab.net(0)},proxy",
                              '--pxe-service=x86PC,"Boot",pxelinux'])
    cli = lab.client()
    c = cli.py()
    mac = dc.lab_mac(6)
    d = dc.discover(mac, vendor_class=PXE_BIOS_VENDOR, arch=0, params=dc.PXE_PARAMS,
                    client_id=dc.client_id_for(mac), uuid=bytes(16))
    c.send(d)
    offers = c.recv(3.0, xid=d.xid, types=[dc.OFFER], count=None)
    by = {o.server_id: o for o in offers}
    assert set(by) == {peer.iface.addr, lab.addr}, offers
    assert by[lab.addr].yiaddr == "0.0.0.0"
    assert by[lab.addr].vendor_class == b"PXEClient"
    addr_offer = by[peer.iface.addr]
    r = dc.request(mac, requested=addr_offer.yiaddr, server_id=addr_offer.server_id,
                   xid=d.xid, vendor_class=PXE_BIOS_VENDOR, arch=0, params=dc.PXE_PARAMS)
    got = c.exchange(r, types=[dc.ACK])
    assert got, "no ACK from the address server"
    cli.assign(got[0].yiaddr)
    # dnsmasq's menu wants the chosen boot item (option 43, PXE sub-option 71: type
    # 0x8000, layer 0) before it names a file; pxe-dhcpd's spec needs no menu.
    r = dc.request(mac, ciaddr=got[0].yiaddr, broadcast=False, vendor_class=PXE_BIOS_VENDOR,
                   arch=0, params=dc.PXE_PARAMS, uuid=bytes(16),
                   extra={dc.OPT_VENDOR: bytes([71, 4, 0x80, 0, 0, 0, 255])})
    ack = c.exchange(r, dst=lab.addr, port=dc.PXE_PORT, types=[dc.ACK])
    assert ack, "no ACK from port 4011"
    assert ack[0].src == (lab.addr, dc.PXE_PORT), ack[0]
    assert ack[0].boot_file.startswith("pxelinux"), ack[0]


def test_private_mounts_do_not_leak():
    # The wrapper's mounts live in ip netns exec's mount namespace only.
    with open("/proc/self/mountinfo") as f:
        assert "pxt-run" not in f.read() and "pxt-state" not in open("/proc/mounts").read()
    assert socket.gethostname()
