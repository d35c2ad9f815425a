#!/usr/bin/env python3
"""docs/hypercalls.md against the ABI it documents.

Compares, and prints every difference:
  * the call table of section 3 (number, name, CPL-3 column) with
    `enum hv_call` in guest/include/hv_abi.h and the HC_USER flags of
    the hypercall table in guest/exit/hypercall.c;
  * the feature-bit table with the HV_FEAT_* definitions;
  * the "highest hypercall number" in the CPUID table with HC_NR_CALLS - 1;
  * that every call has a section "### N. `NAME`".
Exit status 0 when they agree, 1 otherwise.

Usage: tests/docs/check_hypercalls.py [ROOT]
"""
import re
import sys

root = sys.argv[1] if len(sys.argv) > 1 else "."
abi = open(f"{root}/guest/include/hv_abi.h").read()
doc = open(f"{root}/docs/hypercalls.md").read().replace("\\|", "/")
table = open(f"{root}/guest/exit/hypercall.c").read()
bad = []

calls = {int(v): n for n, v in re.findall(r"\b(HC_[A-Z_]+)\s*=\s*(\d+)\s*,", abi)}
nr_calls = max(calls) + 1
feats = {int(b): n for n, b in re.findall(r"#define\s+(HV_FEAT_[A-Z_]+)\s+\(1u\s*<<\s*(\d+)\)", abi)}
user = set(re.findall(r"\[(HC_[A-Z_]+)\]\s*=\s*\{\s*\"[^}]*HC_USER", table))

doc_calls = {}
for nr, name, cpl3 in re.findall(r"^\|\s*(\d+)\s*\|\s*`(HC_[A-Z_]+)`\s*\|[^|]*\|[^|]*\|\s*(\w+)\s*\|\s*$",
                                 doc, re.M):
    doc_calls[int(nr)] = (name, cpl3)
for nr, name in sorted(calls.items()):
    if nr not in doc_calls:
        bad.append(f"call {nr} {name}: missing from the table of section 3")
        continue
    dname, cpl3 = doc_calls[nr]
    if dname != name:
        bad.append(f"call {nr}: the docs say {dname}, the ABI {name}")
    want = "user" if name in user else "no"
    if cpl3 != want:
        bad.append(f"call {nr} {name}: CPL 3 column '{cpl3}', the table says '{want}'")
    if not re.search(rf"^### {nr}\. `{name}", doc, re.M):
        bad.append(f"call {nr} {name}: no section '### {nr}. `{name}...`'")
for nr in sorted(set(doc_calls) - set(calls)):
    bad.append(f"call {nr} {doc_calls[nr][0]}: in the docs, not in the ABI")

doc_feats = {int(b): n for b, n in re.findall(r"^\|\s*(\d+)\s*\|\s*`(HV_FEAT_[A-Z_]+)`", doc, re.M)}
if doc_feats != feats:
    bad.append(f"feature bits: the docs list {sorted(doc_feats.items())}, the ABI {sorted(feats.items())}")

m = re.search(r"`HC_NR_CALLS - 1` = (\d+)", doc)
if not m or int(m.group(1)) != nr_calls - 1:
    bad.append(f"highest hypercall number: the docs say {m.group(1) if m else 'nothing'}, the ABI {nr_calls - 1}")

for b in bad:
    print(f"check_hypercalls: {b}")
print(f"check_hypercalls: {len(calls)} calls, {len(feats)} feature bits, "
      f"{'agree' if not bad else f'{len(bad)} difference(s)'}")
sys.exit(1 if bad else 0)
