# pxe-dhcpd against real clients (dhclient, udhcpc, dhcpcd), a real relay (dhcrelay), a
# peer server (dnsmasq) for proxyDHCP, and a raw client (dhcp_client.py) that plays PXE
# firmware, many machines at once, and a hostile sender. The server runs in one namespace
# on a bridge; every client runs in a namespace of its own on a port of that bridge.
import os
import re
import signal
import threading
import time

import pytest

import harness
import dhcp_client as dc
from dhcp_lab import (DhcpLab, PXE_BIOS_VENDOR, PXE_EFI_VENDOR, addr_in, current_leases,
                      mac_of)

LEASE_TIME = 3600          # the lab's [dhcpd] lease_time = 1h
IPXE_SCRIPT = "http://{addr}/boot.ipxe"


@pytest.fixture
def lab(netlab, daemons, tmp_path):
    harness.require_tool("ip")
    lab = DhcpLab(netlab, daemons, tmp_path)
    yield lab
    lab.close()


# ------------------------------------------------------------------ helpers

def mac(n):
    return dc.lab_mac(n)


def macs(n):
    return dc.mac_str(dc.lab_mac(n))


def in_default_range(lab, addr):
    return addr is not None and addr_in(addr, lab.net(100), lab.net(199))


def pxe_kw(arch=dc.ARCH_BIOS, user_class=None, vendor=None):
    """What PXE firmware puts in its DISCOVER and REQUEST (lab-notes.md)."""
    if vendor is None:
        vendor = PXE_EFI_VENDOR if arch in (dc.ARCH_EFI_BC, dc.ARCH_EFI_X64) else \
            dc.pxe_vendor_class(arch).decode()
    return dict(vendor_class=vendor, arch=arch, user_class=user_class, params=dc.PXE_PARAMS,
                client_id=True, max_size=1472, uuid=bytes(range(16)))


def unicast_from(cli, client, addr, msg, port=dc.SERVER_PORT, dst=None):
    """Send msg to the server from addr (put on the interface for the send), as a bound
    client sends a RELEASE or a RENEW."""
    cli.assign(addr)
    client.send(msg, dst=dst or cli.lab.addr, port=port)
    time.sleep(0.05)


def renew(lab, cli, client, m, addr, **kw):
    """RENEWING (RFC 2131 §4.3.2): ciaddr = addr, unicast to the server; returns the
    ACK or NAK, or None."""
    cli.assign(addr)
    r = dc.request(m, ciaddr=addr, broadcast=False, **kw)
    got = client.exchange(r, dst=lab.addr, types=[dc.ACK, dc.NAK])
    return got[0] if got else None


def init_reboot(client, m, addr, timeout=1.0, tries=3, **kw):
    """INIT-REBOOT (RFC 2131 §4.3.2): requested address, no server id, ciaddr 0."""
    r = dc.request(m, requested=addr, **kw)
    got = client.exchange(r, types=[dc.ACK, dc.NAK], timeout=timeout, tries=tries)
    return got[0] if got else None


def silent_to_discover(client, m, timeout=1.0, tries=2, **kw):
    """True when no OFFER answers m's DISCOVERs."""
    return not client.exchange(dc.discover(m, **kw), types=[dc.OFFER], timeout=timeout,
                               tries=tries)


def assert_lease_recorded(lab, addr, m):
    recs = lab.active_leases()
    assert addr in recs, f"{addr} has no active record in the lease file:\n" \
        f"{open(lab.lease_file).read() if os.path.exists(lab.lease_file) else '(none)'}"
    assert mac_of(recs[addr]) == dc.mac_str(dc.mac_bytes(m)), recs[addr]


def assert_standard_lease(lab, res):
    """A real client's report: an address in the range, the subnet's router and DNS, the
    [dhcpd] lease time, our server identifier."""
    assert res.bound, res.describe()
    assert in_default_range(lab, res.address), res.describe()
    assert res.routers == [lab.addr], res.describe()
    assert res.dns == [lab.addr, lab.net(2)], res.describe()
    assert res.lease_time == LEASE_TIME, res.describe()
    assert res.server_id == lab.addr, res.describe()
    assert res.domain == "lab.example", res.describe()


# ------------------------------------------------------------------ config and start

def test_lab_config_passes_check_config(lab, daemons):
    conf = lab.config(hosts={"pc1": {"mac": macs(1), "address": lab.net(50)}})
    cp = daemons.run("dhcpd", ["--check-config", "-C", conf])
    assert cp.returncode == 0, cp.stdout + cp.stderr


# ------------------------------------------------------------------ real clients

def test_dhclient_gets_lease_with_router_dns_and_lease_time(lab):
    lab.config()
    lab.start()
    cli = lab.client()
    res = lab.dhclient(cli)
    assert_standard_lease(lab, res)
    assert res.mask == "255.255.255.0", res.describe()
    assert_lease_recorded(lab, res.address, cli.mac)
    # The log line per exchange (dhcpd-config.md): "DHCPACK ADDR to MAC ...".
    lab.server.wait_for_log(rf"DHCPACK {re.escape(res.address)}\b.*{cli.mac}", timeout=2)


def test_udhcpc_gets_lease_with_router_dns_and_lease_time(lab):
    lab.config()
    lab.start()
    cli = lab.client()
    res = lab.udhcpc(cli)
    assert_standard_lease(lab, res)
    assert_lease_recorded(lab, res.address, cli.mac)


def test_dhcpcd_gets_lease_with_router_dns_and_lease_time(lab):
    lab.config()
    lab.start()
    cli = lab.client()
    res = lab.dhcpcd(cli)
    assert_standard_lease(lab, res)
    assert_lease_recorded(lab, res.address, cli.mac)


def test_three_real_clients_get_three_addresses(lab):
    lab.config()
    lab.start()
    got = [lab.dhclient(lab.client()), lab.udhcpc(lab.client()), lab.dhcpcd(lab.client())]
    for res in got:
        assert res.bound, res.describe()
    assert len({r.address for r in got}) == 3, [r.address for r in got]


@pytest.mark.parametrize("arch,vendor,boot", [
    pytest.param(0, PXE_BIOS_VENDOR, "pxelinux.0", id="bios"),
    pytest.param(7, PXE_EFI_VENDOR, "syslinux.efi", id="efi64"),
])
def test_dhclient_as_pxe_client_gets_boot_file(lab, arch, vendor, boot):
    lab.config()
    lab.start()
    res = lab.dhclient(lab.client(), send=[("vendor-class-identifier", f'"{vendor}"'),
                                           ("pxt-client-arch", str(arch))],
                       defs="option pxt-client-arch code 93 = unsigned integer 16;\n")
    assert res.bound, res.describe()
    assert res.filename == boot, res.describe() + f"\nenv: {res.env}"
    assert res.next_server == lab.addr, res.env


def test_udhcpc_static_host_gets_fixed_address_and_hostname(lab):
    lab.config(hosts={"pc1": {"mac": macs(0x123456), "address": lab.net(50),
                              "hostname": "pc1"}})
    lab.start()
    cli = lab.client(mac=macs(0x123456))
    res = lab.udhcpc(cli)
    assert res.address == lab.net(50), res.describe()
    assert res.hostname == "pc1", res.env
    assert res.routers == [lab.addr]
    # Another machine never gets the host's address.
    other = lab.udhcpc(lab.client())
    assert other.bound and other.address != lab.net(50), other.describe()


def test_static_host_matched_by_client_id(lab):
    cid = "01:52:54:00:ab:cd:ef"
    lab.config(hosts={"byid": {"client_id": cid, "address": lab.net(51)}})
    lab.start()
    c = lab.py()
    # The chaddr differs from the id's MAC: the host is known by option 61 alone.
    lease = c.dora(mac(0x77), client_id=bytes.fromhex(cid.replace(":", "")))
    assert lease.address == lab.net(51), lease
    plain = c.dora(mac(0x78), client_id=True)
    assert plain.address != lab.net(51) and in_default_range(lab, plain.address), plain


def test_dhclient_keeps_address_across_server_restart(lab):
    lab.config()
    lab.start()
    cli = lab.client()
    first = lab.dhclient(cli)
    assert first.bound, first.describe()
    assert lab.server.stop() == 0, "SIGTERM should stop pxe-dhcpd cleanly"
    lab.start()
    again = lab.dhclient(cli, lease_file=first.lease_file)
    assert again.address == first.address, again.describe()
    assert again.reason == "REBOOT", f"expected INIT-REBOOT to be ACKed\n{again.describe()}"


# ------------------------------------------------------------------ PXE

@pytest.mark.parametrize("arch,boot", [
    pytest.param(None, "pxelinux.0", id="no-option-93"),
    pytest.param(dc.ARCH_BIOS, "pxelinux.0", id="93-bios"),
    pytest.param(dc.ARCH_EFI_BC, "syslinux.efi", id="93-efi-bc"),
    pytest.param(dc.ARCH_EFI_X64, "syslinux.efi", id="93-efi-x64"),
])
def test_pxe_client_gets_next_server_and_boot_file(lab, arch, boot):
    lab.config()
    lab.start()
    c = lab.py()
    kw = pxe_kw(arch if arch is not None else dc.ARCH_BIOS)
    if arch is None:
        kw["arch"] = None
    lease = c.dora(mac(0x10), **kw)
    assert lease.ack is not None, lease
    for m in (lease.offer, lease.ack):
        assert in_default_range(lab, m.yiaddr), m
        assert m.siaddr == lab.addr, f"siaddr (next-server): {m}"
        assert m.file == boot.encode(), f"file field: {m}"
        assert m.vendor_class == b"PXEClient", f"option 60: {m}"
        assert m.opt(dc.OPT_BOOTFILE) in (None, boot.encode()), m
        assert m.opt(dc.OPT_TFTP_SERVER) in (None, lab.addr.encode()), m
    # 66 and 67 were asked for (55): they come.
    assert lease.ack.opt(dc.OPT_BOOTFILE) == boot.encode(), lease.ack
    assert lease.ack.opt(dc.OPT_TFTP_SERVER) == lab.addr.encode(), lease.ack


def test_plain_client_gets_no_pxe_answer(lab):
    lab.config()
    lab.start()
    lease = lab.py().dora(mac(0x11), client_id=True, params=dc.BASIC_PARAMS)
    assert lease.ack is not None
    assert lease.ack.vendor_class is None, "option 60 PXEClient is for PXE clients only"


def test_ipxe_user_class_gets_ipxe_script(lab):
    script = IPXE_SCRIPT.format(addr=lab.addr)
    lab.config(dhcpd={"ipxe_script": script})
    lab.start()
    c = lab.py()
    ipxe = c.dora(mac(0x12), **pxe_kw(dc.ARCH_BIOS, user_class=b"iPXE"))
    assert ipxe.ack is not None, ipxe
    assert ipxe.ack.boot_file == script, ipxe.ack
    # The firmware's first DHCP (no user class) still gets the BIOS boot file.
    rom = c.dora(mac(0x13), **pxe_kw(dc.ARCH_BIOS))
    assert rom.ack is not None and rom.ack.boot_file == "pxelinux.0", rom.ack


def test_class_and_host_boot_files_take_precedence(lab):
    url = f"http://{lab.addr}/boot.efi"
    lab.config(classes={"uefi-http": {"vendor_class": "HTTPClient", "arch": "16, 19",
                                      "boot_file": url, "option 60": "HTTPClient"}},
               hosts={"special": {"mac": macs(0x15), "boot_file": "special.0"}})
    lab.start()
    c = lab.py()
    http = c.dora(mac(0x14), **pxe_kw(dc.ARCH_HTTP_X64,
                                      vendor="HTTPClient:Arch:00016:UNDI:003001"))
    assert http.ack is not None and http.ack.boot_file == url, http.ack
    assert http.ack.vendor_class == b"HTTPClient", http.ack
    host = c.dora(mac(0x15), **pxe_kw(dc.ARCH_BIOS))
    assert host.ack is not None and host.ack.boot_file == "special.0", host.ack


# ------------------------------------------------------------------ lease life

def test_lease_time_from_subnet_and_capped_by_max_lease_time(lab):
    lab.config(dhcpd={"max_lease_time": "2h"}, subnets={None: {"lease_time": "30m"}})
    lab.start()
    c = lab.py()
    plain = c.dora(mac(0x20))
    assert plain.ack is not None and plain.ack.lease_time == 1800, plain.ack
    asks = c.dora(mac(0x21), extra={dc.OPT_LEASE_TIME: (86400).to_bytes(4, "big")})
    assert asks.ack is not None and asks.ack.lease_time == 7200, asks.ack
    short = c.dora(mac(0x22), extra={dc.OPT_LEASE_TIME: (600).to_bytes(4, "big")})
    assert short.ack is not None and short.ack.lease_time in (600, 1800), short.ack


def test_dhclient_gets_configured_t1_t2_and_a_short_lease_the_defaults(lab):
    # RFC 2131 §4.4.5: T1 < T2 < lease time.  Options 58 and 59 as configured
    # while they keep that order; a client asking for a lease shorter than
    # the configured T2 gets half and 7/8 of its lease instead.
    lab.config(subnets={None: {"option 58": "600", "option dhcp-rebinding-time": "1200"}})
    lab.start()
    res = lab.dhclient(lab.client(), request=["subnet-mask", "routers", "dhcp-lease-time",
                                              "dhcp-renewal-time", "dhcp-rebinding-time"])
    assert res.bound, res.describe()
    assert res.lease_time == LEASE_TIME, res.describe()
    assert (res.env.get("new_dhcp_renewal_time"),
            res.env.get("new_dhcp_rebinding_time")) == ("600", "1200"), res.env
    short = lab.py().dora(mac(0x23), extra={dc.OPT_LEASE_TIME: (1000).to_bytes(4, "big")})
    assert short.ack is not None and short.ack.lease_time == 1000, short.ack
    assert (dc.u32(short.ack.opt(58)), dc.u32(short.ack.opt(59))) == (500, 875), short.ack


def test_restart_keeps_address_and_renewal_is_acked(lab):
    lab.config()
    lab.start()
    cli = lab.client()
    c = cli.py()
    m = mac(0x30)
    lease = c.dora(m, client_id=True)
    assert lease.ack is not None
    assert lab.server.stop() == 0
    lab.start()
    ack = renew(lab, cli, c, m, lease.address, client_id=True)
    assert ack is not None and ack.type == dc.ACK, ack
    assert ack.yiaddr == lease.address and ack.lease_time == LEASE_TIME, ack
    # A fresh DISCOVER from the same client is offered its address again.
    cli.flush()
    again = c.dora(m, client_id=True)
    assert again.address == lease.address, again


def test_reply_addressing_follows_rfc2131_4_1(lab):
    lab.config()
    lab.start()
    cli = lab.client()
    c = cli.py()
    # Broadcast bit: the reply goes to 255.255.255.255 in a broadcast frame.
    b = c.dora(mac(0x31), broadcast=True)
    assert b.ack is not None
    assert b.offer.dst == ("255.255.255.255", 68) and b.offer.eth_dst == dc.BROADCAST_MAC
    # No broadcast bit: unicast to chaddr / yiaddr, or broadcast when the server has no
    # raw socket (the spec allows both).
    u = c.dora(mac(0x32), broadcast=False)
    assert u.ack is not None
    for m in (u.offer, u.ack):
        assert (m.dst == (m.yiaddr, 68) and m.eth_dst == mac(0x32)) or \
            (m.dst == ("255.255.255.255", 68) and m.eth_dst == dc.BROADCAST_MAC), m
    # ciaddr set (RENEWING): unicast to ciaddr.
    ack = renew(lab, cli, c, mac(0x32), u.address)
    assert ack is not None and ack.dst == (u.address, 68), ack


def test_inform_gets_configuration_without_a_lease(lab):
    lab.config()
    lab.start()
    cli = lab.client()
    c = cli.py()
    addr = lab.net(60)
    cli.assign(addr)
    got = c.exchange(dc.inform(mac(0x33), addr, params=dc.BASIC_PARAMS), dst=lab.addr,
                     types=[dc.ACK])
    assert got, "no ACK to DHCPINFORM"
    ack = got[0]
    # RFC 2131 §4.3.5: no yiaddr, no lease time; sent to ciaddr.
    assert ack.yiaddr == "0.0.0.0" and ack.lease_time is None, ack
    assert ack.routers == [lab.addr] and ack.dns == [lab.addr, lab.net(2)], ack
    assert ack.dst[0] == addr, ack
    assert addr not in lab.active_leases()


def test_release_then_discover_gives_address_to_next_client(lab):
    only = lab.net(100)
    lab.config(subnets={None: {"range": f"{only} {only}"}})
    lab.start()
    cli = lab.client()
    c = cli.py()
    a, b = mac(0x40), mac(0x41)
    la = c.dora(a, client_id=True)
    assert la.address == only, la
    assert silent_to_discover(c, b, client_id=True), "the only address was offered twice"
    since = lab.server.mark()
    unicast_from(cli, c, only, dc.release(a, only, lab.addr, client_id=True))
    cli.flush()
    lab.server.wait_for_log(r"(?i)release", since=since, timeout=3)
    lb = c.dora(b, client_id=True)
    assert lb.address == only, f"released address not given to the next client: {lb}"
    recs = current_leases(lab.leases())
    assert recs[only].get("state") == "active" and mac_of(recs[only]) == dc.mac_str(b)


def test_dhclient_init_reboot_into_another_address_ends_its_old_lease(lab):
    first, last = lab.net(100), lab.net(102)
    lab.config(subnets={None: {"range": f"{first} {last}"}})
    lab.start()
    cli = lab.client()
    res = lab.dhclient(cli)
    assert res.bound, res.describe()
    old = res.address
    new = next(lab.net(h) for h in (100, 101, 102) if lab.net(h) != old)
    # The machine comes back believing it has another free address of the subnet, which
    # the server has no record of: dhclient asks for it in INIT-REBOOT and gets it.
    with open(res.lease_file) as f:
        text = f.read()
    assert f"fixed-address {old};" in text, text
    with open(res.lease_file, "w") as f:
        f.write(text.replace(f"fixed-address {old};", f"fixed-address {new};"))
    cli.flush()
    since = lab.server.mark()
    again = lab.dhclient(cli, lease_file=res.lease_file)
    assert again.reason == "REBOOT" and again.address == new, again.describe()
    lab.server.wait_for_log(rf"DHCPACK {re.escape(new)} to .*: its lease of "
                            rf"{re.escape(old)} ended", since=since, timeout=3)
    recs = current_leases(lab.leases())
    assert recs[old].get("state") == "released", recs[old]
    assert recs[new].get("state") == "active", recs[new]
    assert mac_of(recs[old]) == mac_of(recs[new]) == cli.mac.lower()
    # One machine holds one address: the other two are there for two more machines.
    c = lab.py()
    got = [c.dora(mac(0x45 + i), client_id=True, timeout=0.7, tries=2) for i in range(2)]
    assert all(x.ack is not None for x in got), got
    assert {x.address for x in got} == {lab.net(h) for h in (100, 101, 102)} - {new}


def test_dhclient_given_a_fixed_address_ends_its_pool_lease(lab):
    lab.config()
    lab.start()
    cli = lab.client()
    res = lab.dhclient(cli)
    assert res.bound and in_default_range(lab, res.address), res.describe()
    old = res.address
    # The admin lists the machine with a fixed address; its old one is refused in
    # INIT-REBOOT and it comes back through DISCOVER to the fixed one.
    lab.stop()
    lab.config(hosts={"pc1": {"mac": cli.mac, "address": lab.net(50)}})
    lab.start()
    cli.flush()
    since = lab.server.mark()
    again = lab.dhclient(cli, lease_file=res.lease_file)
    assert again.address == lab.net(50), again.describe()
    lab.server.wait_for_log(rf"DHCPACK {re.escape(lab.net(50))} to .*: its lease of "
                            rf"{re.escape(old)} ended", since=since, timeout=3)
    recs = current_leases(lab.leases())
    assert recs[old].get("state") == "released", recs[old]
    assert recs[lab.net(50)].get("state") == "active", recs[lab.net(50)]


def test_decline_holds_address_out_of_the_pool(lab):
    lab.config(subnets={None: {"range": f"{lab.net(100)} {lab.net(101)}"}})
    lab.start()
    c = lab.py()
    a, b, x = mac(0x50), mac(0x51), mac(0x52)
    la = c.dora(a, client_id=True)
    assert la.ack is not None, la
    bad = la.address
    # RFC 2131 §4.4.1: the client found the address in use; broadcast, ciaddr 0.
    since = lab.server.mark()
    c.send(dc.decline(a, bad, lab.addr, client_id=True))
    lab.server.wait_for_log(r"(?i)decline", since=since, timeout=3)
    lb = c.dora(b, client_id=True)
    assert lb.ack is not None and lb.address != bad, lb
    # The pool's other address is taken, the declined one is held: silence.
    assert silent_to_discover(c, x, client_id=True), "a DECLINEd address was offered"
    assert silent_to_discover(c, a, client_id=True), "the decliner got its address back"
    recs = current_leases(lab.leases())
    assert recs.get(bad, {}).get("state") == "declined", recs.get(bad)


@pytest.mark.parametrize("case", ["unknown-client-on-our-subnet", "address-of-another-client",
                                  "wrong-network"])
def test_wrong_requested_address_is_naked(lab, case):
    lab.config(dhcpd={"authoritative": "yes"})
    lab.start()
    c = lab.py()
    m = mac(0x60)
    if case == "unknown-client-on-our-subnet":
        r = dc.request(m, requested=lab.net(77))
    elif case == "address-of-another-client":
        other = c.dora(mac(0x61), client_id=True)
        assert other.ack is not None
        r = dc.request(m, requested=other.address, client_id=True)
    else:
        mine = c.dora(m, client_id=True)
        assert mine.ack is not None
        r = dc.request(m, requested="192.0.2.10", client_id=True)
    got = c.exchange(r, types=[dc.ACK, dc.NAK])
    assert got, "no answer: an authoritative server NAKs a wrong address"
    nak = got[0]
    assert nak.type == dc.NAK, nak
    assert nak.yiaddr == "0.0.0.0" and nak.server_id == lab.addr, nak
    # RFC 2131 §4.1: with giaddr 0 a NAK is broadcast.
    assert nak.dst == ("255.255.255.255", 68), nak
    lab.assert_serves_dora(client=c)


def test_not_authoritative_is_silent_to_unknown_init_reboot(lab):
    lab.config(dhcpd={"authoritative": "no"})
    lab.start()
    c = lab.py()
    assert init_reboot(c, mac(0x62), lab.net(77), tries=2) is None


# ------------------------------------------------------------------ relays

def test_dhcrelay_gets_address_from_relay_subnet(lab):
    relay, cli, prefix, down = lab.relay()
    lab.config(subnets={None: {}, f"{prefix}.0/24": {
        "range": f"{prefix}.100 {prefix}.150", "router": down.addr, "dns": lab.addr}})
    lab.start()
    lab.start_dhcrelay(relay, down)
    res = lab.udhcpc(cli)
    assert res.bound, res.describe()
    assert addr_in(res.address, f"{prefix}.100", f"{prefix}.150"), res.describe()
    assert res.routers == [down.addr] and res.dns == [lab.addr], res.describe()
    assert res.server_id == lab.addr, res.describe()
    # A raw client behind the relay sees the relay's giaddr in the reply.
    lease = cli.py().dora(mac(0x70), client_id=True)
    assert lease.ack is not None and lease.ack.giaddr == down.addr, lease
    assert addr_in(lease.address, f"{prefix}.100", f"{prefix}.150")


def test_fake_relay_gets_replies_at_giaddr_port_67(lab):
    # The relay namespace from lab.relay() with no dhcrelay: the raw client plays the
    # relay agent, sending from port 67 with giaddr = its downstream address (RFC 2131
    # §4.1, RFC 1542 §4), and must get the replies at giaddr, port 67.
    relay, _, prefix, down = lab.relay()
    giaddr = down.addr
    lab.config(subnets={None: {}, f"{prefix}.0/24": {"range": f"{prefix}.10 {prefix}.20",
                                                      "router": giaddr}})
    lab.start()
    c = relay.py(port=dc.SERVER_PORT)
    m = mac(0x71)
    d = dc.discover(m, giaddr=giaddr, hops=1, broadcast=False, client_id=True)
    offers = c.exchange(d, dst=lab.addr, types=[dc.OFFER])
    assert offers, "no OFFER to the relay"
    o = offers[0]
    assert o.dst == (giaddr, 67) and o.giaddr == giaddr, o
    assert addr_in(o.yiaddr, f"{prefix}.10", f"{prefix}.20") and o.routers == [giaddr], o
    r = dc.request(m, requested=o.yiaddr, server_id=o.server_id, xid=d.xid,
                   giaddr=giaddr, hops=1, broadcast=False, client_id=True)
    acks = c.exchange(r, dst=lab.addr, types=[dc.ACK, dc.NAK])
    assert acks and acks[0].type == dc.ACK and acks[0].yiaddr == o.yiaddr, acks


def test_machine_moving_between_link_and_relay_holds_one_lease_on_each(lab):
    # The raw client on the link, and as the relay agent of a second subnet for the same
    # machine: each move to a free address ends the machine's lease on that subnet, though
    # its latest lease is on the other one.
    relay, _, prefix, down = lab.relay()
    giaddr = down.addr
    lab.config(subnets={None: {"range": f"{lab.net(100)} {lab.net(102)}"},
                        f"{prefix}.0/24": {"range": f"{prefix}.10 {prefix}.20",
                                           "router": giaddr}})
    lab.start()
    here, there = lab.py(), relay.py(port=dc.SERVER_PORT)
    m = mac(0x72)

    def move_there(addr):
        r = dc.request(m, requested=addr, giaddr=giaddr, hops=1, broadcast=False,
                       client_id=True)
        got = there.exchange(r, dst=lab.addr, types=[dc.ACK, dc.NAK])
        assert got and got[0].type == dc.ACK and got[0].yiaddr == addr, got

    first = here.dora(m, client_id=True)
    assert first.ack is not None, first
    held = {first.address}
    for step, addr in enumerate([f"{prefix}.15", None, f"{prefix}.16", None]):
        if addr:
            move_there(addr)
            continue
        new = next(lab.net(h) for h in (100, 101, 102) if lab.net(h) not in held)
        ack = init_reboot(here, m, new, client_id=True)
        assert ack is not None and ack.type == dc.ACK and ack.yiaddr == new, (step, ack)
        held = {new}
    active = current_leases(lab.leases(), "active")
    mine = sorted(a for a, r in active.items() if mac_of(r) == dc.mac_str(dc.mac_bytes(m)))
    assert mine == sorted([*held, f"{prefix}.16"]), active
    # The link's other two addresses are there for two more machines.
    got = [here.dora(mac(0x73 + i), client_id=True, timeout=0.7, tries=2) for i in range(2)]
    assert all(x.ack is not None for x in got), got


# ------------------------------------------------------------------ proxyDHCP

def proxy_lab(lab):
    """dnsmasq on a peer owns 10.77.N.100-150; pxe-dhcpd on the bridge is a proxy."""
    peer = lab.peer()
    lab.start_dnsmasq(peer, [f"--dhcp-range={lab.net(100)},{lab.net(150)},255.255.255.0,1h",
                             f"--dhcp-option=option:router,{peer.iface.addr}"])
    lab.config(dhcpd={"mode": "proxy"}, subnets={f"{lab.subnet}.0/24": {}})
    lab.start()
    return peer


@pytest.mark.parametrize("arch,boot", [pytest.param(dc.ARCH_BIOS, "pxelinux.0", id="bios"),
                                       pytest.param(dc.ARCH_EFI_X64, "syslinux.efi",
                                                    id="efi64")])
def test_proxy_mode_beside_another_dhcp_server(lab, arch, boot):
    harness.require_tool("dnsmasq")
    peer = proxy_lab(lab)
    cli = lab.client()
    c = cli.py()
    m = mac(0x80)
    kw = pxe_kw(arch)
    d = dc.discover(m, **kw)
    c.send(d)
    offers = c.recv(3.0, xid=d.xid, types=[dc.OFFER], count=2)
    by = {o.server_id: o for o in offers}
    assert peer.iface.addr in by, f"no OFFER from the address server: {offers}"
    assert lab.addr in by, f"no proxy OFFER from pxe-dhcpd: {offers}"
    proxy, owner = by[lab.addr], by[peer.iface.addr]
    assert addr_in(owner.yiaddr, lab.net(100), lab.net(150)), owner
    assert proxy.yiaddr == "0.0.0.0", f"a proxy offers no address: {proxy}"
    assert proxy.vendor_class == b"PXEClient", proxy
    assert proxy.boot_file == boot and proxy.siaddr == lab.addr, proxy
    assert proxy.lease_time is None, f"a proxy OFFER carries no lease: {proxy}"
    # The client takes the owner's address; the proxy stays out of that exchange.
    r = dc.request(m, requested=owner.yiaddr, server_id=owner.server_id, xid=d.xid, **kw)
    c.send(r)
    replies = c.recv(2.0, xid=d.xid, types=[dc.ACK, dc.NAK], count=None)
    assert [x.server_id for x in replies] == [peer.iface.addr], replies
    assert replies[0].type == dc.ACK
    # PXE 2.1 §2.2.1: with its address, the client asks the boot server on port 4011.
    cli.assign(owner.yiaddr)
    r2 = dc.request(m, ciaddr=owner.yiaddr, broadcast=False, **kw)
    acks = c.exchange(r2, dst=lab.addr, port=dc.PXE_PORT, types=[dc.ACK])
    assert acks, "no ACK from port 4011"
    ack = acks[0]
    assert ack.src == (lab.addr, dc.PXE_PORT), ack
    assert ack.dst == (owner.yiaddr, 68), ack
    assert ack.file == boot.encode() and ack.siaddr == lab.addr, ack
    assert ack.vendor_class == b"PXEClient" and ack.yiaddr == "0.0.0.0", ack


def test_proxy_mode_ignores_plain_clients(lab):
    harness.require_tool("dnsmasq")
    peer = proxy_lab(lab)
    c = lab.py()
    d = dc.discover(mac(0x81), client_id=True, params=dc.BASIC_PARAMS)
    c.send(d)
    offers = c.recv(2.0, xid=d.xid, types=[dc.OFFER], count=None)
    assert [o.server_id for o in offers] == [peer.iface.addr], offers
    assert not lab.active_leases(), "a proxy hands out no addresses"


# ------------------------------------------------------------------ hostile input

HOSTILE = dc.hostile_messages()


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_packet_does_not_kill_server(lab, name):
    lab.config()
    lab.start()
    cli = lab.client()
    c = cli.py()
    cli.assign(lab.net(250))           # so it can also unicast to the server
    for _ in range(3):
        c.send_raw(HOSTILE[name])
        c.send_raw(HOSTILE[name], dst=lab.addr)
    time.sleep(0.3)
    cli.flush()
    lab.assert_serves_dora(client=c, what=f"after hostile packet {name}")


def test_hostile_burst_then_dora(lab):
    lab.config()
    lab.start()
    cli = lab.client()
    c = cli.py()
    cli.assign(lab.net(250))
    for _ in range(20):
        for data in HOSTILE.values():
            c.send_raw(data)
            c.send_raw(data, dst=lab.addr)
    # 255 parameter requests over every option code, and a 2000-octet request, still get
    # a lease.
    big = dc.discover(mac(0x90), params=list(range(1, 255)), client_id=True)
    big.set(dc.OPT_VENDOR_CLASS, b"x" * 255)
    big.set(250, b"y" * 1400)
    c.send(big)
    time.sleep(0.5)
    cli.flush()
    lab.assert_serves_dora(client=c, what="after a burst of hostile packets")
    lease = c.dora(mac(0x91), params=list(range(1, 255)), client_id=True, max_size=576)
    assert lease.ack is not None, "255 parameter requests: no lease"
    assert len(lease.ack.raw) <= 576 - 28, "reply larger than the client's option 57"


# ------------------------------------------------------------------ the pool

def test_pool_exhaustion_never_offers_an_address_twice(lab):
    first, last = lab.net(100), lab.net(105)         # six addresses, as a /29 has
    lab.config(subnets={None: {"range": f"{first} {last}"}})
    lab.start()
    c = lab.py()
    leases = [c.dora(mac(0xA0 + i), client_id=True, timeout=0.7, tries=2) for i in range(10)]
    got = [x for x in leases if x.ack is not None]
    assert len(got) == 6, [x.address for x in leases]
    assert len({x.address for x in got}) == 6
    assert all(addr_in(x.address, first, last) for x in got)
    for x in leases[6:]:
        assert x.offer is None and x.nak is None, f"expected silence when full: {x}"
    # No OFFER or ACK the client saw ever named an address for a second machine.
    holder = {}
    for m in c.seen:
        if isinstance(m, dc.Message) and m.type in (dc.OFFER, dc.ACK):
            assert holder.setdefault(m.yiaddr, m.chaddr) == m.chaddr, \
                f"{m.yiaddr} offered to {dc.mac_str(holder[m.yiaddr])} and {dc.mac_str(m.chaddr)}"
    lab.assert_alive("after the pool ran out")
    # Holders still renew; the lease file has six active, distinct records.
    ack = init_reboot(c, leases[0].mac, leases[0].address, client_id=True)
    assert ack is not None and ack.type == dc.ACK and ack.yiaddr == leases[0].address, ack
    assert sorted(lab.active_leases()) == sorted(x.address for x in got)


def test_offers_are_held_then_released_after_offer_hold(lab):
    first, last = lab.net(100), lab.net(103)
    # 4 s: long enough for the four DISCOVERs and the second of silence on a busy machine.
    lab.config(dhcpd={"offer_hold": "4s"}, subnets={None: {"range": f"{first} {last}"}})
    lab.start()
    c = lab.py()
    offered = {}
    for i in range(4):
        got = c.exchange(dc.discover(mac(0xB0 + i), client_id=True), types=[dc.OFFER])
        assert got, f"DISCOVER {i}: no OFFER"
        offered[got[0].yiaddr] = i
    assert len(offered) == 4, f"an address was offered twice while held: {offered}"
    assert silent_to_discover(c, mac(0xB9), client_id=True, timeout=0.5), \
        "a fifth machine got an OFFER while four offers were held"
    time.sleep(4.5)
    got = c.exchange(dc.discover(mac(0xBA), client_id=True), types=[dc.OFFER])
    assert got and got[0].yiaddr in offered, "offer_hold passed: the address is free again"


def test_forged_release_does_not_free_another_clients_address(lab):
    only = lab.net(100)
    lab.config(subnets={None: {"range": f"{only} {only}"}})
    lab.start()
    owner_ns = lab.client()
    owner = owner_ns.py()
    a = mac(0xC0)
    la = owner.dora(a, client_id=True)
    assert la.address == only, la
    forger_ns = lab.client()
    forger = forger_ns.py()
    # Another machine's RELEASE naming the address; then one with the owner's chaddr but
    # another client identifier (a different client by RFC 2131 §4.2). (The owner's chaddr
    # with no option 61 is the owner's own identity, 01+chaddr: no server can tell.)
    unicast_from(forger_ns, forger, only, dc.release(mac(0xC1), only, lab.addr,
                                                      client_id=True))
    unicast_from(forger_ns, forger, only, dc.release(
        a, only, lab.addr, client_id=dc.client_id_for(mac(0xC2))))
    forger_ns.flush()
    time.sleep(0.3)
    assert silent_to_discover(forger, mac(0xC3), client_id=True), \
        "a forged RELEASE freed the owner's address"
    assert lab.active_leases().get(only, {}).get("hw") is not None
    assert mac_of(lab.active_leases()[only]) == dc.mac_str(a)
    ack = renew(lab, owner_ns, owner, a, only, client_id=True)
    assert ack is not None and ack.type == dc.ACK and ack.yiaddr == only, ack


def test_unknown_clients_deny_answers_listed_hosts_only(lab):
    lab.config(dhcpd={"unknown_clients": "deny"},
               hosts={"known": {"mac": macs(0xD0)},
                      "fixed": {"mac": macs(0xD1), "address": lab.net(50)}})
    lab.start()
    c = lab.py()
    assert silent_to_discover(c, mac(0xD2), client_id=True), "an unknown machine got an OFFER"
    known = c.dora(mac(0xD0), client_id=True)
    assert known.ack is not None and in_default_range(lab, known.address), known
    fixed = c.dora(mac(0xD1), client_id=True)
    assert fixed.address == lab.net(50), fixed
    # An unknown PXE machine is not answered either.
    assert silent_to_discover(c, mac(0xD3), **pxe_kw())
    # And an unknown machine's INIT-REBOOT is not ACKed.
    ack = init_reboot(c, mac(0xD2), lab.net(120), client_id=True, tries=1)
    assert ack is None or ack.type == dc.NAK, ack


# ------------------------------------------------------------------ durability

def test_sigkill_mid_run_loses_no_acked_lease(lab):
    """300 exchanges (DORAs of new machines, and INIT-REBOOT renewals of earlier ones)
    with SIGKILL once 120 machines hold an ACK; then a restart, the rest of the run, and
    the checks: every ACK a client received is in the lease file (design.md: on disk
    before the ACK leaves), INIT-REBOOT gets the same address back, and no address is
    active for two machines."""
    first, last = lab.net(10), lab.net(254)
    lab.config(subnets={None: {"range": f"{first} {last}"}})
    lab.start()
    c = lab.py()
    acked = {}           # mac -> (address, wall time before the exchange, ACK's lease time)
    plan = [("renew" if i % 3 == 2 else "dora", i) for i in range(300)]
    done = {"n": 0}
    stop = threading.Event()
    errors = []

    def one(kind, i):
        t = time.time()
        if kind == "dora":
            m = mac(0xE00000 + i)
            lease = c.dora(m, client_id=True, timeout=0.5, tries=2)
            if lease.ack is not None:
                acked[m] = (lease.address, t, lease.ack.lease_time)
            return
        if not acked:
            return
        m = list(acked)[i % len(acked)]
        addr = acked[m][0]
        # INIT-REBOOT with the broadcast bit (RFC 2131 §4.3.2): a REBIND would be answered
        # at ciaddr, which no interface here owns (the ARP for it would go unanswered).
        ack = init_reboot(c, m, addr, timeout=0.5, tries=2, client_id=True)
        if ack is not None and ack.type == dc.ACK:
            if ack.yiaddr != addr:
                errors.append(f"renewal of {addr} ACKed {ack.yiaddr}")
            acked[m] = (addr, t, ack.lease_time)
        elif ack is not None:
            errors.append(f"renewal of {addr} for {dc.mac_str(m)}: {ack.type_name}")

    def run(items):
        for kind, i in items:
            if stop.is_set():
                return
            one(kind, i)
            done["n"] += 1

    worker = threading.Thread(target=run, args=(plan,), daemon=True)
    worker.start()
    harness.wait_until(lambda: len(acked) >= 120 or not worker.is_alive(), 120,
                       "120 ACKs before the SIGKILL")
    lab.server.stop(signal.SIGKILL)
    stop.set()
    worker.join(10)
    assert not worker.is_alive()
    assert lab.server.returncode == -signal.SIGKILL
    killed_at = done["n"]
    before = dict(acked)
    assert len(before) >= 120, f"only {len(before)} ACKs before the kill"

    lab.start()
    stop.clear()
    run(plan[killed_at:])
    assert not errors, errors

    # Every ACK received is on disk, for that machine, until at least the end its last
    # ACK promised (option 51 counts from the ACK; a server that reuses a lease on renewal
    # promises only the time left).
    recs = lab.leases()
    active = current_leases(recs, "active")
    for m, (addr, t, lt) in acked.items():
        assert addr in active, f"ACKed {addr} to {dc.mac_str(m)} but no active record"
        assert mac_of(active[addr]) == dc.mac_str(m), active[addr]
        assert lt is not None, f"ACK of {addr} had no lease time"
        ends = int(active[addr].get("ends", 0))
        assert ends >= t + lt - 2, f"{addr}: record ends {ends}, ACK promised {t + lt:.0f}"
    # No address is active for two machines anywhere in the journal.
    holders = {}
    for r in recs:
        if r.get("state") == "active":
            holders.setdefault(r["addr"], set()).add(mac_of(r))
    twice = {a: h for a, h in holders.items() if len(h) > 1}
    assert not twice, f"addresses active for two machines: {twice}"
    # And the server agrees: INIT-REBOOT gets the same address.
    for m, (addr, _, _) in acked.items():
        ack = init_reboot(c, m, addr, client_id=True, timeout=0.5)
        assert ack is not None and ack.type == dc.ACK and ack.yiaddr == addr, \
            f"INIT-REBOOT of {addr} for {dc.mac_str(m)}: {ack}"
    lab.assert_alive("after the run")
