#!/usr/bin/env python3
"""docs/hypercalls.md against the ABI it documents.

The calls are declared once, in HV_CALL_TABLE of guest/include/hv_abi.h
(the enum, the hypervisor's table, discovery and the `hypercalls` key
are all made from it).  Compares, and prints every difference:
  * the call table of section 3 (number, name, argument count, group,
    feature bit, CPL-3 column) with HV_CALL_TABLE;
  * that hypercall.c builds its table from HV_CALL_TABLE and that every
    call has a handler hc_NAME in guest/exit/;
  * the feature-bit table with the HV_FEAT_* definitions;
  * the group list of docs/hypercalls.md and guest/config/config_hc.c;
  * the "highest hypercall number" in the CPUID table with HC_NR_CALLS - 1;
  * that every call has a section "### N. `NAME`".
Exit status 0 when they agree, 1 otherwise.

Usage: tests/docs/check_hypercalls.py [ROOT]
"""
import glob
import re
import sys

root = sys.argv[1] if len(sys.argv) > 1 else "."
abi = open(f"{root}/guest/include/hv_abi.h").read()
doc = open(f"{root}/docs/hypercalls.md").read().replace("\\|", "/")
table = open(f"{root}/guest/exit/hypercall.c").read()
exit_src = "".join(open(f).read() for f in glob.glob(f"{root}/guest/exit/*.c"))
cfg_src = open(f"{root}/guest/config/config_hc.c").read()
bad = []


def split_top(s):
    """Split at the commas outside parentheses."""
    out, depth, cur = [], 0, ""
    for ch in s:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            out.append(cur.strip())
            cur = ""
        else:
            cur += ch
    out.append(cur.strip())
    return out


macro = re.search(r"#define HV_CALL_TABLE\(X\)((?:[^\n]*\\\n)*[^\n]*)", abi).group(1)
macro = macro.replace("\\\n", " ")
calls = {}
for body in re.findall(r"\bX\(((?:[^()]|\([^()]*\))*)\)", macro):
    f = split_top(body)
    nr, NAME, name, nargs, kinds, flags, group, feat = f
    calls[int(nr)] = dict(NAME=f"HC_{NAME}", name=name, nargs=int(nargs),
                          user="HV_CF_USER" in flags, group=group.replace("HV_GROUP_", "").lower(),
                          feat=feat if feat != "0" else "-")
nr_calls = max(calls) + 1
if sorted(calls) != list(range(nr_calls)):
    bad.append(f"HV_CALL_TABLE numbers are not 0..{nr_calls - 1} without gaps")
feats = {int(b): n for n, b in re.findall(r"#define\s+(HV_FEAT_[A-Z_]+)\s+\(1u\s*<<\s*(\d+)\)", abi)}

if "HV_CALL_TABLE(HC_ENTRY)" not in table:
    bad.append("guest/exit/hypercall.c does not build its table from HV_CALL_TABLE")
for nr, c in calls.items():
    if not re.search(rf"\bint64_t hc_{c['name']}\(struct vcpu \*v, const struct hc_args \*a\)", exit_src):
        bad.append(f"call {nr} {c['NAME']}: no handler hc_{c['name']} in guest/exit/")

doc_calls = {}
row = r"^\|\s*(\d+)\s*\|\s*`(HC_[A-Z_]+)`\s*\|\s*(\d+)\s*\|[^|]*\|[^|]*\|\s*(\w+)\s*\|\s*`?([A-Z_-]+|-)`?\s*\|\s*(\w+)\s*\|\s*$"
for nr, name, nargs, group, feat, cpl3 in re.findall(row, doc, re.M):
    doc_calls[int(nr)] = (name, int(nargs), group, feat, cpl3)
for nr, c in sorted(calls.items()):
    if nr not in doc_calls:
        bad.append(f"call {nr} {c['NAME']}: missing from the table of section 3")
        continue
    dname, dnargs, dgroup, dfeat, cpl3 = doc_calls[nr]
    if dname != c["NAME"]:
        bad.append(f"call {nr}: the docs say {dname}, the ABI {c['NAME']}")
    if dnargs != c["nargs"]:
        bad.append(f"call {nr} {dname}: the docs say {dnargs} arguments, the table {c['nargs']}")
    if dgroup != c["group"]:
        bad.append(f"call {nr} {dname}: the docs say group {dgroup}, the table {c['group']}")
    if dfeat != c["feat"]:
        bad.append(f"call {nr} {dname}: the docs say feature {dfeat}, the table {c['feat']}")
    want = "user" if c["user"] else "no"
    if cpl3 != want:
        bad.append(f"call {nr} {dname}: CPL 3 column '{cpl3}', the table says '{want}'")
    if not re.search(rf"^### {nr}\. `{c['NAME']}", doc, re.M):
        bad.append(f"call {nr} {c['NAME']}: no section '### {nr}. `{c['NAME']}...`'")
for nr in sorted(set(doc_calls) - set(calls)):
    bad.append(f"call {nr} {doc_calls[nr][0]}: in the docs, not in the ABI")

doc_feats = {int(b): n for b, n in re.findall(r"^\|\s*(\d+)\s*\|\s*`(HV_FEAT_[A-Z_]+)`", doc, re.M)}
if doc_feats != feats:
    bad.append(f"feature bits: the docs list {sorted(doc_feats.items())}, the ABI {sorted(feats.items())}")

groups = set(re.findall(r"\[HV_GROUP_[A-Z]+\]\s*=\s*\"(\w+)\"", cfg_src))
doc_groups = set(re.findall(r"^\|\s*`(\w+)`\s*\|\s*group\b", doc, re.M))
if groups != {c["group"] for c in calls.values()} | groups or groups != doc_groups:
    bad.append(f"groups: config_hc.c {sorted(groups)}, the docs {sorted(doc_groups)}, "
               f"the table {sorted({c['group'] for c in calls.values()})}")

m = re.search(r"`HC_NR_CALLS - 1` = (\d+)", doc)
if not m or int(m.group(1)) != nr_calls - 1:
    bad.append(f"highest hypercall number: the docs say {m.group(1) if m else 'nothing'}, the ABI {nr_calls - 1}")

for b in bad:
    print(f"check_hypercalls: {b}")
print(f"check_hypercalls: {len(calls)} calls, {len(feats)} feature bits, "
      f"{'agree' if not bad else f'{len(bad)} difference(s)'}")
sys.exit(1 if bad else 0)
