# Reads a systemd unit file and turns its Exec lines into the argv and environment systemd
# would run, so tests can start a daemon the way its unit says without systemd as PID 1.
"""Unit(path).get(section, key)   -- the last value of a key (unit files may repeat keys)
Unit.exec_argv(key, env)          -- an Exec*= line as argv, $VAR and ${VAR} expanded as
                                     systemd.service(5) says
Unit.environment(env_files)       -- Environment= and EnvironmentFile= as systemd merges them
setpriv_argv(unit)                -- setpriv(1) flags for CapabilityBoundingSet= and
                                     NoNewPrivileges=, the sandboxing a plain process can get
"""

import re
import shlex

_VAR = re.compile(r"\$\{(\w+)\}|\$(\w+)")


class Unit:
    def __init__(self, path):
        self.path = path
        self.entries = []       # (section, key, value) in file order
        section = None
        with open(path) as f:
            for raw in f:
                line = raw.strip()
                if not line or line[0] in "#;":
                    continue
                if line.startswith("[") and line.endswith("]"):
                    section = line[1:-1]
                    continue
                key, _, value = line.partition("=")
                self.entries.append((section, key.strip(), value.strip()))

    def all(self, section, key):
        return [v for s, k, v in self.entries if s == section and k == key]

    def get(self, section, key, default=None):
        values = self.all(section, key)
        return values[-1] if values else default

    def environment(self, env_files):
        """Environment= first, then each EnvironmentFile= (a leading '-': may be missing)
        read from where env_files maps its path; an unmapped one counts as missing, so a
        test never reads the host's /etc."""
        env = {}
        for value in self.all("Service", "Environment"):
            for word in shlex.split(value):
                k, _, v = word.partition("=")
                env[k] = v
        for value in self.all("Service", "EnvironmentFile"):
            optional = value.startswith("-")
            path = env_files.get(value.lstrip("-"))
            if path is None:
                if optional:
                    continue
                raise FileNotFoundError(f"{self.path}: EnvironmentFile={value} not mapped")
            with open(path) as f:
                text = f.read()
            for line in text.splitlines():
                line = line.strip()
                if not line or line[0] in "#;":
                    continue
                for word in shlex.split(line):
                    k, _, v = word.partition("=")
                    env[k] = v
        return env

    def exec_argv(self, key, env):
        """systemd.service(5), "Command lines": a word that is exactly $VAR becomes the
        variable's words (none if unset or empty); ${VAR} is replaced in place as one
        word; a leading '-', '@', '+', '!' or ':' prefix is not part of the command."""
        line = self.get("Service", key)
        if line is None:
            raise KeyError(f"{self.path}: no {key}=")
        argv = []
        for word in shlex.split(line):
            m = re.fullmatch(r"\$(\w+)", word)
            if m:
                argv += env.get(m.group(1), "").split()
                continue
            argv.append(_VAR.sub(lambda v: env.get(v.group(1) or v.group(2), ""), word))
        argv[0] = argv[0].lstrip("-@+!:")
        return argv


def setpriv_argv(unit):
    """setpriv(1) flags that give a process what the unit's CapabilityBoundingSet= and
    NoNewPrivileges= give it under systemd."""
    argv = ["setpriv"]
    caps = unit.get("Service", "CapabilityBoundingSet")
    if caps is not None:
        names = [c.lower().removeprefix("cap_") for c in caps.split()]
        argv.append("--bounding-set=-all" + "".join(f",+{n}" for n in names))
    if unit.get("Service", "NoNewPrivileges") == "yes":
        argv.append("--no-new-privs")
    return argv + ["--"]
