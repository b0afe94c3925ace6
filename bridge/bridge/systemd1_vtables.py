#!/usr/bin/env python3
"""Generates vermilion-bridge's sd-bus vtables for org.freedesktop.systemd1.

Input: interfaces/org.freedesktop.systemd1.xml (systemd 252's own
introspection, recorded by tests/data/systemd1/record-systemd.sh). Output: a
header and a source file in the build tree, never committed (STYLE.md 10):

  kManagerVtable, kUnitVtable, kServiceVtable, kJobVtable
      one sd_bus_vtable per interface, members in the XML's order, with the
      XML's argument names and flags, so that sd-bus introspects them exactly
      as systemd does. Every method goes to systemd1_method(), every property
      to systemd1_get_property() (and systemd1_set_property() when
      writable), declared in bridge/systemd1_handlers.h: they dispatch by
      name.
  kMembers
      every method and property: interface, kind, name, signatures, so the
      bridge can tell an implemented member from one it answers with
      NotSupported, and give a property its type's default.

Flags from annotations, as sd-bus's introspection writes them back:
  EmitsChangedSignal const       -> SD_BUS_VTABLE_PROPERTY_CONST
  EmitsChangedSignal invalidates -> SD_BUS_VTABLE_PROPERTY_EMITS_INVALIDATION
  EmitsChangedSignal false       -> neither
  (none)                         -> SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE
  Method.NoReply true            -> SD_BUS_VTABLE_METHOD_NO_REPLY
  Deprecated true                -> SD_BUS_VTABLE_DEPRECATED
Methods and writable properties are SD_BUS_VTABLE_UNPRIVILEGED: the bridge
decides who may do what ([Bus] rules), never sd-bus's CAP_SYS_ADMIN check.

Usage: systemd1_vtables.py XML OUT.h OUT.cpp
"""
import sys
import xml.etree.ElementTree as ET

INTERFACES = {
    "org.freedesktop.systemd1.Manager": "kManagerVtable",
    "org.freedesktop.systemd1.Unit": "kUnitVtable",
    "org.freedesktop.systemd1.Service": "kServiceVtable",
    "org.freedesktop.systemd1.Job": "kJobVtable",
}


def c_string(text):
    for c in text:
        if not (c.isalnum() or c in "_.-/(){}"):
            raise SystemExit(f"unexpected character {c!r} in {text!r}")
    return '"' + text + '"'


def names(args):
    # sd-bus wants "a\0b\0": one literal per name, so no name can run into an
    # escape.
    return " ".join(f'{c_string(a.get("name", ""))} "\\0"' for a in args) or '""'


def annotations(element):
    return {a.get("name"): a.get("value") for a in element.findall("annotation")}


def method_flags(element):
    notes = annotations(element)
    flags = ["SD_BUS_VTABLE_UNPRIVILEGED"]
    if notes.get("org.freedesktop.DBus.Method.NoReply") == "true":
        flags.append("SD_BUS_VTABLE_METHOD_NO_REPLY")
    if notes.get("org.freedesktop.DBus.Deprecated") == "true":
        flags.append("SD_BUS_VTABLE_DEPRECATED")
    return " | ".join(flags)


def emits_of(element):
    value = annotations(element).get("org.freedesktop.DBus.Property.EmitsChangedSignal", "true")
    return {"const": "constant", "invalidates": "invalidates", "false": "none", "true": "change"}[value]


def property_flags(element, writable):
    notes = annotations(element)
    emits = notes.get("org.freedesktop.DBus.Property.EmitsChangedSignal", "true")
    flags = {
        "const": ["SD_BUS_VTABLE_PROPERTY_CONST"],
        "invalidates": ["SD_BUS_VTABLE_PROPERTY_EMITS_INVALIDATION"],
        "false": [],
        "true": ["SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE"],
    }[emits]
    if writable:
        flags.append("SD_BUS_VTABLE_UNPRIVILEGED")
    if notes.get("org.freedesktop.DBus.Deprecated") == "true":
        flags.append("SD_BUS_VTABLE_DEPRECATED")
    return " | ".join(flags) or "0"


def main():
    xml_path, header_path, source_path = sys.argv[1:4]
    root = ET.parse(xml_path).getroot()
    vtables = []
    members = []
    seen = set()
    for interface in root.findall("interface"):
        name = interface.get("name")
        if name not in INTERFACES:
            continue
        seen.add(name)
        lines = [f"const sd_bus_vtable {INTERFACES[name]}[] = {{", "    SD_BUS_VTABLE_START(0),"]
        for element in interface:
            kind = element.tag
            member = element.get("name")
            if kind == "property":
                signature = element.get("type")
                writable = element.get("access") == "readwrite"
                flags = property_flags(element, writable)
                if writable:
                    lines.append(f"    SD_BUS_WRITABLE_PROPERTY({c_string(member)}, {c_string(signature)}, "
                                 f"systemd1_get_property, systemd1_set_property, 0, {flags}),")
                else:
                    lines.append(f"    SD_BUS_PROPERTY({c_string(member)}, {c_string(signature)}, "
                                 f"systemd1_get_property, 0, {flags}),")
                members.append((name, "property", member, signature, "", emits_of(element)))
            elif kind == "method":
                ins = [a for a in element.findall("arg") if a.get("direction", "in") == "in"]
                outs = [a for a in element.findall("arg") if a.get("direction") == "out"]
                in_sig = "".join(a.get("type") for a in ins)
                out_sig = "".join(a.get("type") for a in outs)
                lines.append(f"    SD_BUS_METHOD_WITH_NAMES({c_string(member)}, {c_string(in_sig)}, {names(ins)}, "
                             f"{c_string(out_sig)}, {names(outs)}, systemd1_method, {method_flags(element)}),")
                members.append((name, "method", member, in_sig, out_sig, "none"))
            elif kind == "signal":
                args = element.findall("arg")
                signature = "".join(a.get("type") for a in args)
                lines.append(f"    SD_BUS_SIGNAL_WITH_NAMES({c_string(member)}, {c_string(signature)}, "
                             f"{names(args)}, 0),")
                members.append((name, "signal", member, signature, "", "none"))
        lines.append("    SD_BUS_VTABLE_END};")
        vtables.append("\n".join(lines))
    missing = set(INTERFACES) - seen
    if missing:
        raise SystemExit(f"{xml_path}: no interface {', '.join(sorted(missing))}")

    with open(header_path, "w") as out:
        out.write("// Generated by bridge/bridge/systemd1_vtables.py from "
                  "interfaces/org.freedesktop.systemd1.xml. Do not edit.\n")
        out.write("#pragma once\n\n#include <systemd/sd-bus.h>\n\n#include <cstddef>\n\n")
        out.write("namespace vermilion::bridge::systemd1 {\n\n")
        for variable in INTERFACES.values():
            out.write(f"extern const sd_bus_vtable {variable}[];\n")
        out.write("\nenum class MemberKind { method, property, signal };\n")
        out.write("// What a property's PropertiesChanged says: never (const), its value, only its name.\n")
        out.write("enum class Emits { none, constant, change, invalidates };\n")
        out.write("struct MemberInfo {\n  const char* interface;\n  MemberKind kind;\n  const char* name;\n"
                  "  const char* signature;  // a method's input, a property's type, a signal's body\n"
                  "  const char* result;     // a method's output\n  Emits emits;           // properties\n};\n")
        out.write(f"inline constexpr std::size_t kMemberCount = {len(members)};\n")
        out.write("extern const MemberInfo kMembers[kMemberCount];\n\n")
        out.write("}  // namespace vermilion::bridge::systemd1\n")

    with open(source_path, "w") as out:
        out.write("// Generated by bridge/bridge/systemd1_vtables.py from "
                  "interfaces/org.freedesktop.systemd1.xml. Do not edit.\n")
        out.write('#include "systemd1_vtables.h"\n\n#include "bridge/systemd1_handlers.h"\n\n')
        out.write("namespace vermilion::bridge::systemd1 {\n\n")
        out.write("\n\n".join(vtables))
        out.write("\n\nconst MemberInfo kMembers[kMemberCount] = {\n")
        for interface, kind, member, signature, result, emits in members:
            out.write(f"    {{{c_string(interface)}, MemberKind::{kind}, {c_string(member)}, "
                      f"{c_string(signature) if signature else chr(34) * 2}, "
                      f"{c_string(result) if result else chr(34) * 2}, Emits::{emits}}},\n")
        out.write("};\n\n}  // namespace vermilion::bridge::systemd1\n")


if __name__ == "__main__":
    main()
