#!/usr/bin/env python3
"""Folds the JUnit XML files of every test tier into one line: `N passed, N failed, N skipped`.

A test executable that crashed or timed out before writing its XML (meson's testlog.json says it failed while its
XML shows no failure) counts as one more failure, so a crash can never disappear from the total.

Usage: summarize.py RESULTS_DIR [testlog.json ...] [-- RESULTS_DIR [testlog.json ...]] ...
Each group (e.g. the regular build and the ASan build) is counted on its own and the totals are added.
The failed cases are named, one line each, right above the summary line: a log cut to its last lines still says
which test failed.
"""
import json
import pathlib
import re
import sys
import xml.etree.ElementTree as ET


FAILED_NAMES = []  # "<results dir>/<xml stem>: <classname>::<name>", in the order found
MAX_NAMED = 20


def count_xml(path):
    passed = failed = skipped = 0
    try:
        text = pathlib.Path(path).read_bytes().decode("utf-8", errors="replace")
        # Test output quoted in a report may hold characters XML 1.0 forbids (e.g. a control character a parser test
        # feeds in); they say nothing about the outcome, so they are dropped rather than making the file unreadable.
        root = ET.fromstring(re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f]", "", text))
    except (ET.ParseError, OSError):
        return None
    for case in root.iter("testcase"):
        if case.find("failure") is not None or case.find("error") is not None:
            failed += 1
            where = f"{pathlib.Path(path).parent.parent.name}/{pathlib.Path(path).stem}"
            FAILED_NAMES.append(f"{where}: {case.get('classname', '')}::{case.get('name', '')}")
        elif case.find("skipped") is not None:
            skipped += 1
        else:
            passed += 1
    return passed, failed, skipped


def count_group(results, testlogs):
    passed = failed = skipped = 0
    failed_xml = set()
    for xml in sorted(results.glob("*.xml")):
        counts = count_xml(xml)
        if counts is None:
            print(f"summarize: unreadable {xml.name}: counted as a failure", file=sys.stderr)
            failed += 1
            failed_xml.add(xml.stem)
            FAILED_NAMES.append(f"{xml}: unreadable")
            continue
        p, f, s = counts
        passed, failed, skipped = passed + p, failed + f, skipped + s
        if f:
            failed_xml.add(xml.stem)
    for log in testlogs:
        if not log.exists():
            continue
        for line in log.read_text().splitlines():
            entry = json.loads(line)
            if entry.get("result") in ("FAIL", "TIMEOUT", "ERROR", "UNEXPECTEDPASS"):
                # "portunus:unit / common_config" -> the XML stem "unit_common_config"
                suite, _, stem = entry["name"].split(":", 1)[-1].partition(" / ")
                if f"{suite.strip()}_{stem.strip()}" not in failed_xml:
                    print(f"summarize: {entry['name']} ended {entry['result']} without a failing test case: +1 failed",
                          file=sys.stderr)
                    failed += 1
                    FAILED_NAMES.append(f"{entry['name']}: ended {entry['result']}")
    return passed, failed, skipped


def main():
    args = sys.argv[1:]
    groups, current = [], []
    for a in args:
        if a == "--":
            groups.append(current)
            current = []
        else:
            current.append(a)
    groups.append(current)
    passed = failed = skipped = 0
    for g in groups:
        if not g:
            continue
        p, f, s = count_group(pathlib.Path(g[0]), [pathlib.Path(x) for x in g[1:]])
        passed, failed, skipped = passed + p, failed + f, skipped + s
    for name in FAILED_NAMES[:MAX_NAMED]:
        print(f"FAILED {name}")
    if len(FAILED_NAMES) > MAX_NAMED:
        print(f"... and {len(FAILED_NAMES) - MAX_NAMED} more failed")
    line = f"{passed} passed, {failed} failed"
    if skipped:
        line += f", {skipped} skipped"
    print(line)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
