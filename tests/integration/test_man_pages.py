# The man pages against the code: each program's --help shows every short flag it takes,
# and its page documents every flag its --help shows and none it lacks; pxesuite.ini(5) has an entry for every key of the schema (as
# tests/integration/conf-schema prints it from the code) with its default, its range and its
# choices, and no entry for a key the schema lacks; each daemon's page names the keys of its
# own sections; and every page formats without a groff warning.
import os
import re
import string
import subprocess

import pytest

import harness

MAN_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "man")
PROGRAMS = ["pxe-dhcpd", "pxe-tftpd", "pxe-nfsd", "pxectl"]
# The sections whose keys a daemon's page names (in its CONFIGURATION); [global] is the
# suite's and is described in pxesuite.ini(5) alone.
PAGE_SECTIONS = {
    "pxe-dhcpd": ["dhcpd", "subnet", "host", "class"],
    "pxe-tftpd": ["tftpd"],
    "pxe-nfsd": ["nfsd", "export"],
}
SUITE_SECTIONS = ["global"]

FONT_MACROS = {"B", "I", "BR", "RB", "BI", "IB", "IR", "RI", "SM", "SB"}
PARAGRAPH_ENDS = {".TP", ".PP", ".LP", ".P", ".SS", ".SH"}
DURATION_UNITS = [("w", 604800000), ("d", 86400000), ("h", 3600000), ("m", 60000),
                  ("s", 1000), ("ms", 1)]


def man_lines(page):
    with open(os.path.join(MAN_DIR, page)) as f:
        return f.read().splitlines()


def program_path(prog):
    sub = "pxectl" if prog == "pxectl" else prog[len("pxe-"):]
    path = os.path.join(harness.builddir(), sub, prog)
    if not os.access(path, os.X_OK):
        raise AssertionError(f"{path} is not built (top_builddir={harness.builddir()})")
    return path


def help_text(prog):
    out = subprocess.run([program_path(prog), "--help"], capture_output=True, text=True,
                         timeout=10, check=True)
    return out.stdout


def help_options(text):
    """The flags of a --help: each line that starts (indented) with a dash, its left column."""
    opts = set()
    for line in text.splitlines():
        if re.match(r"\s+-", line):
            left = re.split(r"\s{2,}", line.strip())[0]
            opts.update(re.findall(r"(?<![\w-])--?[A-Za-z0-9][\w-]*", left))
    return opts


def help_commands(text):
    """pxectl's commands: the first word of each line under "Commands:"."""
    m = re.search(r"^Commands:\n((?:  .*\n)+)", text, re.M)
    return {line.split()[0] for line in m.group(1).splitlines()} if m else set()


def roff_args(line):
    """The arguments of a request line, as roff splits them (double quotes group)."""
    args, i, rest = [], 0, line.split(None, 1)[1] if " " in line else ""
    while i < len(rest):
        if rest[i] == " ":
            i += 1
        elif rest[i] == '"':
            j = i + 1
            while j < len(rest) and not (rest[j] == '"' and rest[j + 1:j + 2] != '"'):
                j += 2 if rest[j] == '"' else 1
            args.append(rest[i + 1:j].replace('""', '"'))
            i = j + 1
        else:
            j = rest.find(" ", i)
            j = len(rest) if j < 0 else j
            args.append(rest[i:j])
            i = j
    return args


def deroff(text):
    text = re.sub(r"\\f(\[[^]]*\]|\(..|.)", "", text)
    text = re.sub(r"\\\((..)", " ", text)
    text = text.replace("\\-", "-").replace("\\e", "\\")
    return re.sub(r"\\[&%|^]", "", text).replace("\\ ", " ")


def plain(line):
    """A source line as the words it shows: font requests joined, other requests dropped."""
    if line.startswith(("'", ".")):
        macro = line[1:].split(None, 1)[0] if len(line) > 1 else ""
        if macro not in FONT_MACROS:
            return ""
        sep = " " if macro in {"B", "I", "SM", "SB"} else ""
        return deroff(sep.join(roff_args(line)))
    return deroff(line)


def plain_tag(tag):
    return " ".join(plain(line) for line in tag.split("\n"))


def segments(lines, request):
    """{heading: its lines} for each .SH (or .SS) of a page; a .SS ends at the next .SH too."""
    segs, name = {}, None
    ends = (".SH",) if request == ".SH" else (".SH", ".SS")
    for line in lines:
        if line.startswith(ends):
            name = deroff(line[4:].strip().strip('"')) if line.startswith(request) else None
            if name is not None:
                segs[name] = []
        elif name is not None:
            segs[name].append(line)
    return segs


def entries(lines):
    """The .TP entries of a list: (tag lines, body text), a .TQ's line joining the tag,
    the body up to the next paragraph, entry or heading."""
    out, tag, body = [], None, None
    for i, line in enumerate(lines):
        if body is not None and (line.split(None, 1) or [""])[0] in PARAGRAPH_ENDS:
            out.append((tag, " ".join(body)))
            body = None
        if line.startswith(".TP") and i + 1 < len(lines):
            tag, body = lines[i + 1], []
        elif line.startswith(".TQ") and body == [] and i + 1 < len(lines):
            tag += "\n" + lines[i + 1]
        elif body is not None and i > 0 and not lines[i - 1].startswith((".TP", ".TQ")):
            body.append(plain(line))
    if body is not None:
        out.append((tag, " ".join(body)))
    return out


def tag_options(tag):
    """The flags a .TP tag documents, written as roff writes them: \\-x, \\-\\-long."""
    found = re.findall(r"(?<![A-Za-z0-9])((?:\\-)+[A-Za-z0-9](?:[A-Za-z0-9]|\\-)*)", tag)
    return {f.replace("\\-", "-") for f in found}


def man_options(page):
    """{flag: its description} for every flag in the tags of the page's OPTIONS."""
    opts = {}
    for tag, body in entries(segments(man_lines(page), ".SH").get("OPTIONS", [])):
        for opt in tag_options(tag):
            opts[opt] = body
    return opts


def conf_schema(*args):
    """What tests/integration/conf-schema prints: the schema, or with export-options those."""
    path = os.path.join(harness.builddir(), "tests", "integration", "conf-schema")
    if not os.access(path, os.X_OK):
        raise AssertionError(f"{path} is not built: make check builds it, or "
                             f"make tests/integration/conf-schema")
    return subprocess.run([path, *args], capture_output=True, text=True, timeout=10,
                          check=True).stdout


@pytest.fixture(scope="module")
def schema():
    """[(section, key, type, default or None, min, max, [choices])], from the code."""
    keys = []
    for line in conf_schema().splitlines():
        sec, key, typ, dflt, lo, hi, choices = line.split("\t")
        keys.append((sec, key, typ, None if dflt == "-" else dflt, int(lo), int(hi),
                     choices.split(",") if choices else []))
    assert len(keys) > 50, f"conf-schema printed {len(keys)} keys"
    return keys


def key_entries(page, heading):
    """{(section, key): (tag, body)} under a page's .SH heading: each .SS [section ...]
    (or a list of them) and its .TP entries."""
    lines = man_lines(page)
    start = lines.index(".SH " + heading)
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith(".SH")),
               len(lines))
    found = {}
    for sub, seg in segments(lines[start:end], ".SS").items():
        sections = re.findall(r"\[(\w+)", sub)
        assert sections, f"{page}: heading .SS {sub} names no [section]"
        for tag, body in entries(seg):
            first = tag.split("\n")[0]
            key = deroff(roff_args(first)[0] if first.startswith(".") else first.split()[0])
            for sec in sections:
                found[(sec, key)] = (tag, body)
    return found


def words_of(text, word):
    """Whether text has word whole; a word that starts with / may end a longer path."""
    before = "" if word.startswith("/") else r"(?<![\w.*:/-])"
    return re.search(before + re.escape(word) + r"(?![\w*-]|\.\w)", text) is not None


def duration_forms(ms):
    """How a config writes a duration of ms: 0, or N with each unit that divides it."""
    return ["0"] if ms == 0 else [f"{ms // n}{u}" for u, n in DURATION_UNITS if ms % n == 0]


def bound_forms(typ, value):
    if typ == "duration":
        return duration_forms(value)
    if typ == "octal":
        return [f"0{value:o}", f"{value:o}"]
    return [str(value)]


def entry_gaps(key, typ, dflt, lo, hi, choices, text):
    """What a key's entry fails to say: its default, its range, its choices."""
    gaps = []
    if dflt is not None:
        # The directories of a path default follow configure (--runstatedir ...).
        shown = "/" + os.path.basename(dflt) if typ == "path" else dflt
        if not re.search(r"\bdefault", text, re.I) or not words_of(text, shown):
            gaps.append(f"default {shown}")
    if (lo, hi) != (0, 0):
        for bound in (lo, hi):
            if not any(words_of(text, form) for form in bound_forms(typ, bound)):
                gaps.append(f"bound {'/'.join(bound_forms(typ, bound))} of {lo}..{hi}")
    gaps += [f"choice {c}" for c in choices if not words_of(text, c)]
    return gaps


@pytest.mark.parametrize("prog", PROGRAMS)
def test_man_page_documents_every_flag_of_help(prog):
    helped = help_options(help_text(prog))
    documented = man_options(f"{prog}.8")
    assert len(helped) >= 8, f"{prog} --help: only {sorted(helped)} found"
    missing = sorted(helped - documented.keys())
    assert not missing, f"{prog}(8) OPTIONS lacks these flags of --help: {missing}"
    empty = sorted(o for o in helped if not documented[o].strip())
    assert not empty, f"{prog}(8) OPTIONS names these flags but says nothing of them: {empty}"


@pytest.mark.parametrize("prog", PROGRAMS)
def test_man_page_documents_no_flag_help_lacks(prog):
    stale = sorted(man_options(f"{prog}.8").keys() - help_options(help_text(prog)))
    assert not stale, f"{prog}(8) OPTIONS documents flags {prog} --help lacks: {stale}"


@pytest.mark.parametrize("prog", PROGRAMS)
def test_help_shows_every_short_flag_the_program_takes(prog, tmp_path):
    """Each letter and digit not in --help is refused as unknown.  The letter comes last
    and nothing can run: a daemon is only checking a config file that does not exist,
    pxectl has no command."""
    helped = help_options(help_text(prog))
    before = [] if prog == "pxectl" else ["--check-config", "-C", str(tmp_path / "none.ini")]
    hidden = []
    for c in string.ascii_letters + string.digits:
        if "-" + c in helped:
            continue
        out = subprocess.run([program_path(prog), *before, "-" + c], capture_output=True,
                             text=True, timeout=10)
        if out.returncode != 64 or "unknown option" not in out.stderr:
            hidden.append(f"-{c} (exit {out.returncode}: {out.stderr.strip()[:80]})")
    assert not hidden, f"{prog} takes flags its --help does not show: {hidden}"


def test_pxectl_man_page_has_every_command_and_no_other():
    commands = help_commands(help_text("pxectl"))
    assert commands, "pxectl --help lists no commands"
    lines = man_lines("pxectl.8")
    synopsis = {plain(line) for line in segments(lines, ".SH")["SYNOPSIS"]
                if line.startswith(".B ")} - {"pxectl"}
    assert synopsis == commands, \
        f"pxectl(8) SYNOPSIS has {sorted(synopsis)}, pxectl --help {sorted(commands)}"
    told = {plain(line) for line in lines if line.startswith(".B")}
    untold = sorted(c for c in commands if f"pxectl {c}" not in told)
    assert not untold, f"pxectl(8) never describes 'pxectl COMMAND' for {untold}"


def test_every_schema_section_is_a_daemons_or_the_suites(schema):
    owned = {s for secs in PAGE_SECTIONS.values() for s in secs} | set(SUITE_SECTIONS)
    unowned = sorted({k[0] for k in schema} - owned)
    assert not unowned, f"sections {unowned} belong to no page: add them to PAGE_SECTIONS"


def test_pxesuite_ini_has_an_entry_for_every_key(schema):
    documented = key_entries("pxesuite.ini.5", "SECTIONS AND KEYS")
    missing = [f"[{s}] {k}" for s, k, *_ in schema if (s, k) not in documented]
    assert not missing, f"pxesuite.ini(5) has no entry for: {missing}"


def test_pxesuite_ini_has_no_entry_the_schema_lacks(schema):
    documented = key_entries("pxesuite.ini.5", "SECTIONS AND KEYS")
    stale = sorted(f"[{s}] {k}" for s, k in documented.keys() - {(k[0], k[1]) for k in schema})
    assert not stale, f"pxesuite.ini(5) documents keys the schema lacks: {stale}"


def schema_gaps(schema, documented, sections=None):
    gaps = []
    for sec, key, typ, dflt, lo, hi, choices in schema:
        tag, body = documented.get((sec, key), (None, None))
        if tag is None or sections is not None and sec not in sections:
            continue        # a missing entry has its own test
        text = plain_tag(tag) + " " + body
        gaps += [f"[{sec}] {key}: {g}" for g in entry_gaps(key, typ, dflt, lo, hi, choices, text)]
    return gaps


def test_pxesuite_ini_entries_give_default_range_and_choices(schema):
    gaps = schema_gaps(schema, key_entries("pxesuite.ini.5", "SECTIONS AND KEYS"))
    assert not gaps, "pxesuite.ini(5) entries that do not say:\n  " + "\n  ".join(gaps)


def test_nfsd_page_has_an_entry_giving_default_range_and_choices_for_every_key(schema):
    """pxe-nfsd(8) describes its keys in full, not only by name."""
    documented = key_entries("pxe-nfsd.8", "CONFIGURATION")
    own = PAGE_SECTIONS["pxe-nfsd"]
    missing = [f"[{s}] {k}" for s, k, *_ in schema if s in own and (s, k) not in documented]
    gaps = schema_gaps(schema, documented, own)
    assert not missing and not gaps, \
        f"pxe-nfsd(8) CONFIGURATION has no entry for {missing}, and entries that do not " \
        "say:\n  " + "\n  ".join(gaps)


@pytest.mark.parametrize("prog", sorted(PAGE_SECTIONS))
def test_daemon_page_names_the_keys_of_its_sections(prog, schema):
    conf = segments(man_lines(f"{prog}.8"), ".SH").get("CONFIGURATION", [])
    named = set()
    for line in conf:
        if line.startswith(".") and line[1:].split(None, 1)[0] in FONT_MACROS:
            named.update(deroff(a).strip() for a in roff_args(line))
    missing = sorted({f"[{s}] {k}" for s, k, *_ in schema
                      if s in PAGE_SECTIONS[prog] and k not in named})
    assert not missing, f"{prog}(8) CONFIGURATION does not name: {missing}"


def test_nfsd_page_documents_every_export_option_and_no_other(schema):
    taken = set(conf_schema("export-options").split())
    assert {"ro", "rw", "sec"} <= taken, f"conf-schema export-options: {sorted(taken)}"
    keys = {k for s, k, *_ in schema if s == "export"}
    conf = segments(man_lines("pxe-nfsd.8"), ".SH")["CONFIGURATION"]
    export = next(seg for sub, seg in segments(conf, ".SS").items() if "[export" in sub)
    documented = {}
    for tag, body in entries(export):
        for piece in re.split(r"[/,]", ",".join(plain(line) for line in tag.split("\n"))):
            name = piece.split("=")[0].split()[0] if piece.strip() else None
            if name and name not in keys:
                documented[name] = body
    missing = sorted(taken - documented.keys())
    stale = sorted(documented.keys() - taken)
    empty = sorted(n for n in taken & documented.keys() if not documented[n].strip())
    assert not missing and not stale and not empty, \
        f"pxe-nfsd(8) export options: undocumented {missing}, not taken {stale}, " \
        f"without a description {empty}"


@pytest.mark.parametrize("page", sorted(os.listdir(MAN_DIR)))
def test_man_page_formats_without_warnings(page):
    groff = harness.require_tool("groff")
    out = subprocess.run([groff, "-man", "-Tutf8", "-rLL=80n", "-ww", "-z",
                          os.path.join(MAN_DIR, page)],
                         capture_output=True, text=True, timeout=30,
                         env=dict(os.environ, LC_ALL="C.UTF-8"))
    assert out.returncode == 0 and not out.stderr, f"groff on {page}:\n{out.stderr}"
