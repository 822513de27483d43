#!/usr/bin/env python3
"""Every module a target imports is declared as a dependency of that target in Package.swift.

SwiftPM's --explicit-target-dependency-import-check (on in `make test`) only reports an import of a
package target outside the importer's dependencies *and theirs*; an import that works only because a
dependency depends on the module passes it. This script checks the direct declaration: for each target
of `swift package dump-package`, the modules its Swift files import must be the target's own declared
dependencies (targets or products) or modules of the toolchain. Exit 1 with one line per missing
declaration.

It also keeps the store interface backend-free (issue 15): no Swift file of the `LabStore` target
imports a database driver or a backend module (GRDB, PostgresNIO, SwiftNIO, LabStoreSQLite,
LabStorePostgres), and the target declares none of them.
"""
import json
import os
import re
import subprocess
import sys

# Modules of the toolchain and the C library: never declared.
TOOLCHAIN = {"Foundation", "FoundationEssentials", "FoundationNetworking", "Glibc", "Musl", "Darwin",
             "Dispatch", "Synchronization", "Testing", "XCTest", "_Concurrency", "_StringProcessing",
             "Observation", "RegexBuilder", "os"}
# The store interface (LabStore) names no backend: records are plain structs, the backends conform them.
INTERFACE = "LabStore"
BACKEND_MODULES = {"GRDB", "PostgresNIO", "NIOCore", "NIOPosix", "LabStoreSQLite", "LabStorePostgres"}
IMPORT = re.compile(r"^\s*(?:@[\w(). ]+\s+)*import\s+(?:(?:struct|class|enum|protocol|func|var|let|typealias)\s+)?([A-Za-z_]\w*)",
                    re.MULTILINE)


def main() -> int:
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    manifest = json.loads(subprocess.run(["swift", "package", "dump-package"], cwd=root, check=True,
                                         capture_output=True, text=True).stdout)
    problems = []
    for target in manifest["targets"]:
        if target["type"] in ("system", "binary", "plugin", "macro"):
            continue
        default = "Tests" if target["type"] == "test" else "Sources"
        path = os.path.join(root, target.get("path") or os.path.join(default, target["name"]))
        declared = set()
        for dep in target["dependencies"]:
            kind, value = next(iter(dep.items()))
            declared.add(value[0])
        imported = set()
        for folder, _, files in os.walk(path):
            for name in files:
                if name.endswith(".swift"):
                    with open(os.path.join(folder, name), encoding="utf-8") as f:
                        imported.update(IMPORT.findall(f.read()))
        for module in sorted(imported - declared - TOOLCHAIN - {target["name"]}):
            problems.append(f"{target['name']} imports {module} but does not declare it in Package.swift")
        if target["name"] == INTERFACE:
            for module in sorted((imported | declared) & BACKEND_MODULES):
                problems.append(f"{INTERFACE} (the store interface) imports or depends on the backend module {module}; "
                                f"put that code in LabStoreSQLite or LabStorePostgres")
    for line in problems:
        print(line)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
