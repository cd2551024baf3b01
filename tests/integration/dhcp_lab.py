# The DHCP test lab: a server namespace with a bridge, client namespaces on its ports, a
# pxesuite.ini for pxe-dhcpd, and bounded runs of the real clients (dhclient, udhcpc,
# dhcpcd) and of dhcrelay and peer servers (dnsmasq) inside namespaces the test made.
"""DhcpLab and the real-client helpers.

Every real client runs through `ip netns exec` (which gives it a mount namespace of its
own) wrapped so that /etc/resolv.conf is a bind-mounted scratch file and /run plus the
client's state directory are private tmpfs mounts: whatever a client or its script writes
stays inside the test. Each client's hook script only dumps its environment to a file;
the client's own scripts (dhclient-script, dhcpcd-run-hooks) never run.
"""

import dataclasses
import os
import re
import shlex
import signal
import socket
import subprocess
import time

import harness
import dhcp_client as dc

# The vendor class iPXE's BIOS ROM sends (lab-notes.md).
PXE_BIOS_VENDOR = "PXEClient:Arch:00000:UNDI:002001"
PXE_EFI_VENDOR = "PXEClient:Arch:00007:UNDI:003016"


# ------------------------------------------------------------------ results

@dataclasses.dataclass
class ClientResult:
    """What a real client reported through its hook script."""
    tool: str
    returncode: int = None
    lease_file: str = None              # dhclient's, to run it again (INIT-REBOOT)
    output: str = ""
    events: list = dataclasses.field(default_factory=list)   # [(reason, env)] in order
    reason: str = None                  # of the event the values come from
    env: dict = dataclasses.field(default_factory=dict)
    address: str = None
    mask: str = None
    routers: list = dataclasses.field(default_factory=list)
    dns: list = dataclasses.field(default_factory=list)
    domain: str = None
    hostname: str = None
    lease_time: int = None
    server_id: str = None
    next_server: str = None
    filename: str = None

    @property
    def bound(self):
        return self.address is not None

    def describe(self):
        reasons = " ".join(r for r, _ in self.events) or "none"
        return (f"{self.tool}: exit {self.returncode}, events {reasons}, address "
                f"{self.address}\n--- output ---\n{harness.tail(self.output, 6000)}")


def _split(v):
    return v.split() if v else []


def _int(v):
    try:
        return int(v)
    except (TypeError, ValueError):
        return None


# ------------------------------------------------------------------ the lab

class ClientNs:
    """A client namespace on one port of the lab's bridge (or any link)."""

    def __init__(self, lab, ns, iface):
        self.lab, self.ns, self.iface = lab, ns, iface

    @property
    def ifname(self):
        return self.iface.name

    @property
    def mac(self):
        out = self.ns.ip("-o", "link", "show", "dev", self.ifname).stdout
        return re.search(r"link/ether ([0-9a-f:]{17})", out).group(1)

    def set_mac(self, mac):
        self.ns.ip("link", "set", "dev", self.ifname, "down")
        self.ns.ip("link", "set", "dev", self.ifname, "address", mac)
        self.ns.ip("link", "set", "dev", self.ifname, "up")
        self.iface.wait_up()

    def assign(self, addr, prefix=24):
        """Put addr on the interface (a client that got a lease): unicasts to the server
        then have a source address and a route."""
        self.ns.ip("addr", "replace", f"{addr}/{prefix}", "dev", self.ifname)

    def flush(self):
        self.ns.ip("addr", "flush", "dev", self.ifname)

    def addresses(self):
        out = self.ns.ip("-o", "-4", "addr", "show", "dev", self.ifname).stdout
        return re.findall(r"inet (\d+\.\d+\.\d+\.\d+)/", out)

    def py(self, **kw):
        """A raw DhcpClient on this namespace's interface (closed with the lab)."""
        c = dc.DhcpClient(self.ns, self.ifname, **kw)
        self.lab._closers.append(c.close)
        return c


class DhcpLab:
    """pxe-dhcpd in a server namespace on a bridge (10.77.N.1/24); clients in namespaces
    of their own on the bridge's ports."""

    def __init__(self, netlab, daemons, tmp_path):
        self.netlab, self.daemons = netlab, daemons
        self.tmp = str(tmp_path)
        self.srv = netlab.namespace()
        self.br = netlab.bridge(self.srv, addr=True)
        self.addr = self.br.addr                       # 10.77.N.1: the server
        self.subnet = self.br.subnet                   # "10.77.N"
        self.lease_file = os.path.join(self.tmp, "dhcpd.leases")
        self.pidfile = os.path.join(self.tmp, "pxe-dhcpd.pid")
        self.conf_path = None
        self.server = None
        self._closers = []
        self._count = 0

    def close(self):
        reap_adopted(ADOPTED_HELPERS)
        for fn in reversed(self._closers):
            try:
                fn()
            except Exception:  # noqa: BLE001 - cleanup goes on
                pass
        self._closers.clear()

    def net(self, host):
        """An address of the lab's /24: net(100) -> 10.77.N.100."""
        return f"{self.subnet}.{host}"

    def path(self, name):
        return os.path.join(self.tmp, name)

    def _next(self):
        self._count += 1
        return self._count

    # -- namespaces
    def client(self, mac=None):
        """A new client namespace with one interface (no address) on the bridge."""
        ns = self.netlab.namespace()
        iface = self.netlab.veth_to_bridge(ns, self.br, addr=False)
        c = ClientNs(self, ns, iface)
        if mac:
            c.set_mac(mac)
        return c

    def peer(self, addr=True):
        """Another namespace on the bridge with an address (for a second server)."""
        ns = self.netlab.namespace()
        iface = self.netlab.veth_to_bridge(ns, self.br, addr=addr)
        return ClientNs(self, ns, iface)

    def py(self, mac=None, **kw):
        """A raw client in a new client namespace."""
        return self.client(mac).py(**kw)

    # -- the config
    def default_subnet(self):
        return {"range": f"{self.net(100)} {self.net(199)}", "router": self.addr,
                "dns": f"{self.addr}, {self.net(2)}", "domain": "lab.example"}

    def config(self, dhcpd=None, subnets=None, hosts=None, classes=None, glob=None,
               tail=""):
        """Writes pxesuite.ini and returns its path.

        dhcpd / glob: keys over the defaults (None as a value drops a key).
        subnets: {"10.77.N.0/24": {key: value}} replacing the default single subnet;
        {None: {...}} means the lab's own /24 with those keys over its defaults.
        hosts / classes: {name: {key: value}}.  tail: raw text appended."""
        g = {"log": "stderr", "log_level": "debug"}
        g.update(glob or {})
        d = {"interface": self.br.name, "lease_file": self.lease_file,
             "pidfile": self.pidfile, "user": "root", "lease_time": "1h",
             "boot_file": "pxelinux.0", "boot_file_efi64": "syslinux.efi"}
        d.update(dhcpd or {})
        if subnets is None:
            subnets = {None: {}}
        subs = {}
        for net, keys in subnets.items():
            if net is None:
                base = self.default_subnet()
                base.update(keys)
                subs[f"{self.subnet}.0/24"] = base
            else:
                subs[net] = keys
        out = [_section("global", g), _section("dhcpd", d)]
        out += [_section(f"subnet {n}", k) for n, k in subs.items()]
        out += [_section(f"host {n}", k) for n, k in (hosts or {}).items()]
        out += [_section(f"class {n}", k) for n, k in (classes or {}).items()]
        text = "\n".join(out) + tail
        self.conf_path = self.path("pxesuite.ini")
        with open(self.conf_path, "w") as f:
            f.write(text)
        return self.conf_path

    # -- the server
    def start(self, *extra, conf=None, ready=r"\bready\b", timeout=harness.DEFAULT_TIMEOUT):
        """pxe-dhcpd -f -C CONF in the server namespace, awaited until it logs ready."""
        conf = conf or self.conf_path or self.config()
        self.server = self.daemons.start("dhcpd", ["-f", "-C", conf] + list(extra),
                                         ns=self.srv, ready=ready, timeout=timeout)
        return self.server

    def stop(self, sig=signal.SIGTERM):
        if self.server is not None:
            self.server.stop(sig)

    def restart(self, *extra, sig=signal.SIGTERM):
        self.stop(sig)
        return self.start(*extra)

    def assert_alive(self, what=""):
        assert self.server is not None and self.server.alive(), \
            f"pxe-dhcpd died {what} ({self.server.exit_description()})\n" \
            f"{harness.tail(self.server.log(), 4000)}"

    def assert_serves_dora(self, client=None, mac=None, what="", **kw):
        """The server is alive and a fresh client gets an address in the default range."""
        self.assert_alive(what)
        c = client or self.py()
        mac = mac or dc.lab_mac(0xFA0000 + self._next())
        lease = c.dora(mac, **kw)
        assert lease.ack is not None, f"no DORA {what}: {lease}"
        return lease

    # -- the lease file
    def leases(self):
        return read_lease_file(self.lease_file)

    def active_leases(self):
        return current_leases(self.leases(), "active")

    # -- real clients
    def _script(self, name):
        """A hook script that only writes its arguments and environment to one file per
        call in a fresh directory; returns (script path, events dir)."""
        events = self.path(f"{name}-events")
        os.makedirs(events, exist_ok=True)
        script = self.path(f"{name}-hook.sh")
        with open(script, "w") as f:
            f.write("#!/bin/sh\n"
                    "# Test hook: record the event, change nothing.\n"
                    f"f={shlex.quote(events)}/$(date +%s%N)-$$\n"
                    "{ printf 'ARGS=%s\\0' \"$*\"; env -0; } > \"$f.tmp\" && "
                    "mv \"$f.tmp\" \"$f.ev\"\n"
                    "exit 0\n")
        os.chmod(script, 0o755)
        return script, events

    def _private(self, ns, argv, tmpfs=()):
        """argv run in ns with a private /etc/resolv.conf, /run and tmpfs dirs."""
        resolv = self.path("resolv.conf.scratch")
        if not os.path.exists(resolv):
            with open(resolv, "w") as f:
                f.write("# scratch resolv.conf for a client under test\n")
        # A resolv.conf that is a symlink into /run ends up dangling into the fresh tmpfs:
        # isolated either way.
        steps = ["set -e", "if [ -e /etc/resolv.conf ]; then mount --bind "
                 f"{shlex.quote(resolv)} /etc/resolv.conf; fi",
                 "mount -t tmpfs -o mode=0755 pxt-run /run"]
        steps += [f"mount -t tmpfs -o mode=0755 pxt-state {shlex.quote(d)}" for d in tmpfs
                  if os.path.isdir(d)]
        steps.append('exec "$@"')
        return ns.argv(["sh", "-c", "; ".join(steps), "private"] + [str(a) for a in argv])

    def _run(self, tool, argv, events, done=None, timeout=30.0):
        """Run a client to its end (or until done(events) is true, then SIGTERM it), every
        wait bounded; its output goes to a log the test report shows."""
        log = self.path(f"{tool}-{self._next()}.log")
        self.daemons.logs.append((f"{tool} output", log))
        with open(log, "wb") as logf:
            logf.write(("$ " + " ".join(shlex.quote(a) for a in argv) + "\n").encode())
            logf.flush()
            proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=logf,
                                    stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        code = None
        try:
            while time.monotonic() < deadline:
                code = proc.poll()
                if code is not None:
                    break
                if done is not None and done(read_events(events)):
                    break
                time.sleep(0.05)
        finally:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout=3)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(timeout=5)
            code = proc.returncode if code is None else code
        reap_adopted(ADOPTED_HELPERS)
        res = ClientResult(tool=tool, returncode=code, output=harness.read_text(log),
                           events=read_events(events))
        return res

    def dhclient(self, cli, send=(), request=None, timeout=30.0, lease_file=None,
                 defs="", extra_conf=""):
        """ISC dhclient, one attempt, in the foreground (-d) until its hook reports a
        bound lease (BOUND, REBOOT, RENEW...), then stopped by its pid.

        send: [(option name, value literal)] e.g. [("vendor-class-identifier",
        '"PXEClient:..."')]; request: option names asked (default: the usual set);
        defs: dhclient.conf text put first (option definitions that send uses);
        extra_conf: text put last."""
        harness.require_tool("dhclient")
        n = self._next()
        script, events = self._script(f"dhclient{n}")
        conf = self.path(f"dhclient{n}.conf")
        request = request or ["subnet-mask", "broadcast-address", "routers",
                              "domain-name", "domain-name-servers", "host-name",
                              "ntp-servers", "interface-mtu"]
        with open(conf, "w") as f:
            f.write(defs)
            f.write("timeout 15;\nretry 60;\ninitial-interval 1;\nbackoff-cutoff 2;\n"
                    "select-timeout 0;\nreboot 5;\n")
            for name, value in send:
                f.write(f"send {name} {value};\n")
            f.write("request " + ", ".join(request) + ";\n")
            f.write(extra_conf)
        lease_file = lease_file or self.path(f"dhclient{n}.leases")
        argv = ["dhclient", "-4", "-1", "-d", "-v", "-sf", script, "-lf", lease_file,
                "-pf", self.path(f"dhclient{n}.pid"), "-cf", conf, cli.ifname]
        argv = self._private(cli.ns, argv, tmpfs=["/var/lib/dhcp"])
        res = self._run("dhclient", argv, events, timeout=timeout,
                        done=lambda ev: any(r in DHCLIENT_BOUND for r, _ in ev))
        res.lease_file = lease_file
        return _from_dhclient(res)

    def udhcpc(self, cli, vendor=None, extra=(), timeout=30.0):
        """busybox udhcpc: foreground, quit once bound (-q), give up after 5 tries (-n)."""
        harness.require_tool("busybox")
        n = self._next()
        script, events = self._script(f"udhcpc{n}")
        argv = ["busybox", "udhcpc", "-f", "-q", "-n", "-t", "5", "-T", "1", "-A", "1",
                "-i", cli.ifname, "-s", script]
        if vendor is not None:
            argv += ["-V", vendor]
        # Ask for what the tests check beyond udhcpc's defaults (1,3,6,12,15,28,42).
        for opt in ("lease", "bootfile", "tftp", "hostname", "domain", "mtu"):
            argv += ["-O", opt]
        argv += list(extra)
        argv = self._private(cli.ns, argv)
        return _from_udhcpc(self._run("udhcpc", argv, events, timeout=timeout))

    def dhcpcd(self, cli, vendor=None, conf_lines=(), timeout=40.0):
        """dhcpcd 9, IPv4 only, one shot in the foreground (-1 -B), no ARP probe, our
        hook script instead of dhcpcd-run-hooks, state and run dirs on private tmpfs."""
        harness.require_tool("dhcpcd")
        n = self._next()
        script, events = self._script(f"dhcpcd{n}")
        conf = self.path(f"dhcpcd{n}.conf")
        with open(conf, "w") as f:
            f.write("# dhcpcd under test: IPv4 only, nothing from the host's config\n"
                    "ipv4only\nnoipv6rs\nnoarp\nnoipv4ll\nnohook resolv.conf\n"
                    "option subnet_mask, routers, domain_name_servers, domain_name, "
                    "host_name, ntp_servers, interface_mtu, dhcp_lease_time, "
                    "bootfile_name, tftp_server_name\n")
            if vendor is not None:
                f.write(f"vendorclassid {vendor}\n")
            for line in conf_lines:
                f.write(line + "\n")
        argv = ["dhcpcd", "-f", conf, "-c", script, "-1", "-4", "-B", "-d",
                "-t", str(int(timeout) - 10), cli.ifname]
        argv = self._private(cli.ns, argv, tmpfs=["/var/lib/dhcpcd"])
        res = self._run("dhcpcd", argv, events, timeout=timeout,
                        done=lambda ev: any(r in DHCPCD_BOUND for r, _ in ev))
        return _from_dhcpcd(res)

    # -- relays and other servers
    def relay(self, subnet_hosts=(100, 150)):
        """A relay namespace between the bridge (upstream, addressed) and a new link to a
        new client namespace (downstream): returns (relay ClientNs, client ClientNs,
        downstream /24 prefix 'a.b.c', relay's downstream address). The server namespace
        gets a route to the downstream /24 via the relay. dhcrelay is not started."""
        up = self.peer()
        cns = self.netlab.namespace()
        down, cli_if = self.netlab.veth(up.ns, cns, addr_b=False)
        prefix = down.addr.rsplit(".", 1)[0]
        self.srv.ip("route", "add", f"{prefix}.0/24", "via", up.iface.addr)
        return up, ClientNs(self, cns, cli_if), prefix, down

    def start_dhcrelay(self, relay, down, server=None):
        """isc-dhcp-relay in the foreground: listens downstream, relays to server."""
        path = harness.require_tool("dhcrelay")
        return self.daemons.start(path, ["-4", "-d", "--no-pid", "-id", down.name,
                                         "-iu", relay.ifname, server or self.addr],
                                  ns=relay.ns, ready=r"Sending on\s+Socket/fallback")

    def start_dnsmasq(self, where, args, ready=r"DHCP, (IP range|proxy)"):
        """dnsmasq as a DHCP server in where (a ClientNs with an address; None: the
        server namespace on the bridge), DNS off, no config but args, foreground, bound
        to that interface only."""
        ns, ifname = (self.srv, self.br.name) if where is None else (where.ns, where.ifname)
        path = harness.require_tool("dnsmasq")
        n = self._next()
        argv = ["--no-daemon", "--conf-file=/dev/null", "--port=0", "--no-hosts",
                "--no-resolv", "--no-ping", "--log-facility=-", "--log-dhcp",
                "--user=root", "--pid-file=",
                f"--dhcp-leasefile={self.path(f'dnsmasq{n}.leases')}",
                f"--interface={ifname}", "--bind-interfaces"] + list(args)
        return self.daemons.start(path, argv, ns=ns, ready=ready)


# dhcpcd's privilege-separation helpers outlive its main process by a moment; with the
# test process as subreaper (conftest) they end up as its zombie children.
ADOPTED_HELPERS = ("dhcpcd",)


def reap_adopted(names, settle=0.2):
    """Reap zombie children of this process whose command is in names (helpers a client
    forked and left to us); nothing else is touched."""
    deadline = time.monotonic() + settle
    while True:
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat") as f:
                    data = f.read()
            except OSError:
                continue
            comm = data[data.index("(") + 1:data.rindex(")")]
            fields = data[data.rindex(")") + 2:].split()
            if fields[0] == "Z" and int(fields[1]) == os.getpid() and comm in names:
                try:
                    os.waitpid(int(entry), os.WNOHANG)
                except ChildProcessError:
                    pass
        if time.monotonic() >= deadline:
            return
        time.sleep(0.05)


def _section(name, keys):
    lines = [f"[{name}]"]
    for k, v in keys.items():
        if v is None:
            continue
        lines.append(f"{k} = {v}")
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------ hook events

DHCLIENT_BOUND = ("BOUND", "REBOOT", "RENEW", "REBIND")
DHCPCD_BOUND = ("BOUND", "REBOOT", "RENEW", "REBIND", "STATIC", "INFORM")


def read_events(d):
    """[(reason, env)] from a hook script's directory, oldest first."""
    out = []
    try:
        names = sorted(n for n in os.listdir(d) if n.endswith(".ev"))
    except OSError:
        return out
    for name in names:
        with open(os.path.join(d, name), "rb") as f:
            parts = f.read().decode("utf-8", "replace").split("\0")
        env = {}
        for p in parts:
            if "=" in p:
                k, v = p.split("=", 1)
                env[k] = v
        reason = env.get("reason") or env.get("ARGS", "").split(" ")[0]
        out.append((reason, env))
    return out


def _last(res, reasons):
    for reason, env in reversed(res.events):
        if reason in reasons:
            return reason, env
    return None, {}


def _from_dhclient(res):
    res.reason, env = _last(res, DHCLIENT_BOUND)
    res.env = env
    if res.reason:
        res.address = env.get("new_ip_address")
        res.mask = env.get("new_subnet_mask")
        res.routers = _split(env.get("new_routers"))
        res.dns = _split(env.get("new_domain_name_servers"))
        res.domain = env.get("new_domain_name")
        res.hostname = env.get("new_host_name")
        res.lease_time = _int(env.get("new_dhcp_lease_time"))
        res.server_id = env.get("new_dhcp_server_identifier")
        res.filename = env.get("new_filename")
        res.next_server = env.get("new_next_server")
    return res


def _from_udhcpc(res):
    res.reason, env = _last(res, ("bound", "renew"))
    res.env = env
    if res.reason:
        res.address = env.get("ip")
        res.mask = env.get("subnet")
        res.routers = _split(env.get("router"))
        res.dns = _split(env.get("dns"))
        res.domain = env.get("domain")
        res.hostname = env.get("hostname")
        res.lease_time = _int(env.get("lease"))
        res.server_id = env.get("serverid")
        res.filename = env.get("boot_file") or env.get("bootfile")
        res.next_server = env.get("siaddr")
    return res


def _from_dhcpcd(res):
    res.reason, env = _last(res, DHCPCD_BOUND)
    res.env = env
    if res.reason:
        res.address = env.get("new_ip_address")
        res.mask = env.get("new_subnet_mask")
        res.routers = _split(env.get("new_routers"))
        res.dns = _split(env.get("new_domain_name_servers"))
        res.domain = env.get("new_domain_name")
        res.hostname = env.get("new_host_name")
        res.lease_time = _int(env.get("new_dhcp_lease_time"))
        res.server_id = env.get("new_dhcp_server_identifier")
        res.filename = env.get("new_bootfile_name") or env.get("new_filename")
        res.next_server = env.get("new_next_server") or env.get("new_siaddr")
    return res


# ------------------------------------------------------------------ lease file

def read_lease_file(path):
    """Records of pxe-dhcpd's lease journal, in file order: dicts with 'addr' and each
    key=value field ('state', 'hw', 'ends', ...). Lines that are not records are kept
    as {'bad': line}."""
    out = []
    try:
        with open(path, "r", errors="replace") as f:
            lines = f.read().splitlines()
    except FileNotFoundError:
        return out
    for line in lines:
        words = line.split()
        if len(words) < 2 or words[0] != "lease":
            if line.strip() and not line.startswith("#"):
                out.append({"bad": line})
            continue
        rec = {"addr": words[1], "line": line}
        for w in words[2:]:
            if "=" in w:
                k, v = w.split("=", 1)
                rec[k] = v
        out.append(rec)
    return out


def current_leases(records, state=None):
    """The last record per address (the journal's rule), optionally only in state."""
    last = {}
    for r in records:
        if "addr" in r:
            last[r["addr"]] = r
    return {a: r for a, r in last.items() if state is None or r.get("state") == state}


def mac_of(rec):
    """The hardware address of a record, lower case with colons, or None."""
    hw = rec.get("hw")
    return hw.lower() if hw else None


def addr_in(addr, first, last):
    return dc.in_range(addr, first, last)


def same_net(addr, prefix):
    return addr is not None and addr.startswith(prefix + ".")


def ip_to_int(a):
    return int.from_bytes(socket.inet_aton(a), "big")
