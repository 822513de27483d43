#!/usr/bin/env python3
"""Writes firmware-protocol/vectors/*.txt: the normative test vectors of PROTOCOL.md.

An implementation independent of the Swift code (plain Python, no packages), so that the Swift
codec and the simulator are checked against a second reading of the specification.
Run: python3 firmware-protocol/tools/make_vectors.py   (output is deterministic)
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "vectors")


def crc16_ibm3740(data: bytes) -> int:
    crc = 0xFFFF
    for b in data:
        crc ^= b << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) & 0xFFFF if crc & 0x8000 else (crc << 1) & 0xFFFF
    return crc


def crc32_iso_hdlc(data: bytes) -> int:
    crc = 0xFFFFFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0xEDB88320 if crc & 1 else crc >> 1
    return crc ^ 0xFFFFFFFF


def cobs_encode(data: bytes) -> bytes:
    out = bytearray()
    block = bytearray()
    for b in data:
        if b == 0:
            out.append(len(block) + 1)
            out += block
            block = bytearray()
        else:
            block.append(b)
            if len(block) == 254:
                out.append(255)
                out += block
                block = bytearray()
    out.append(len(block) + 1)
    out += block
    return bytes(out)


def frame(seq: int, mtype: int, payload: bytes = b"", ver: int = 1) -> bytes:
    head = bytes([ver, seq, mtype]) + struct.pack("<H", len(payload)) + payload
    return head + struct.pack(">H", crc16_ibm3740(head))


def wire(fr: bytes) -> bytes:
    return cobs_encode(fr) + b"\x00"


def s(text: str) -> bytes:
    raw = text.encode("utf-8")
    return bytes([len(raw)]) + raw


def profile(pre=500, pre_ms=0, ramp=100, mx=3000, acq=26670, ch=200, ann=3000, ann_ms=10000) -> bytes:
    return struct.pack("<hIHhIHhI", pre, pre_ms, ramp, mx, acq, ch, ann, ann_ms)


def chunk(element, first, channels):
    body = struct.pack("<BHB", element, first, len(channels))
    for counts, dc in channels:
        body += struct.pack("<Ih", counts, dc)
    return body


MESSAGES = [
    # name, seq, type, payload, description
    ("hello-request", 0, 0x01, bytes([1, 1]), "HELLO min=1 max=1"),
    ("hello-reply", 0, 0x81, bytes([1, 1]), "HELLO reply version=1 readerMax=1"),
    ("identify-request", 1, 0x02, b"", "IDENTIFY"),
    ("identify-reply", 1, 0x82, s("TLR-6600S") + s("1.4.2") + s("TL00042") + bytes([4]) + struct.pack("<H", 4096),
     "IDENTIFY reply model=TLR-6600S firmware=1.4.2 serial=TL00042 elements=4 maxChannels=4096"),
    ("status-request-seq5", 5, 0x03, b"", "STATUS"),
    ("status-reply-loaded", 5, 0x83,
     bytes([2]) + struct.pack("<IH", 0x80, 49) + s("C0000017") + bytes([4, 3, 2, 0, 5]) + struct.pack("<h", 612),
     "STATUS reply state=cardLoaded events=powerOnReset magazine=49 card=C0000017 elements=[released,buffered,notRead,absent] heater=61.2C"),
    ("status-reply-idle", 6, 0x83, bytes([0]) + struct.pack("<IH", 0, 0) + s("") + bytes([0]) + struct.pack("<h", 251),
     "STATUS reply state=idle events=0 magazine=0 card='' elements=[] heater=25.1C"),
    ("qc-reply", 7, 0x84, struct.pack("<IIHh", 37, 1520340, 1150, 247),
     "QC reply dark=37/s reference=1520340 hv=1150V heater=24.7C"),
    ("set-profile-request", 8, 0x05, profile(), "SET_PROFILE default LiF:Mg,Ti profile"),
    ("clear-events-request", 9, 0x07, struct.pack("<I", 0xFFFFFFFF), "CLEAR_EVENTS mask=all"),
    ("load-next-request", 10, 0x10, b"", "LOAD_NEXT"),
    ("load-next-reply", 10, 0x90, b"", "LOAD_NEXT reply (started)"),
    ("read-element-request", 11, 0x11, bytes([3, 0]), "READ_ELEMENT 3 flags=0"),
    ("reread-element-request", 22, 0x11, bytes([1, 1]), "READ_ELEMENT 1 flags=reread"),
    ("read-element-reply", 11, 0x91, bytes([3]) + struct.pack("<HI", 200, 26670),
     "READ_ELEMENT reply element=3 channels=200 expectedMs=26670"),
    ("get-chunk-request", 12, 0x13, struct.pack("<BHB", 3, 64, 64), "GET_CHUNK element=3 first=64 max=64"),
    ("get-chunk-reply", 12, 0x93, chunk(3, 64, [(0, 1302), (255, 1315), (65536, 1328), (4294967295, -12)]),
     "GET_CHUNK reply element=3 first=64 channels=[(0,130.2C),(255,131.5C),(65536,132.8C),(4294967295,-1.2C)]"),
    ("curve-info-request", 13, 0x12, bytes([3]), "GET_CURVE_INFO 3"),
    ("release-request", 14, 0x14, bytes([3]), "RELEASE_ELEMENT 3"),
    ("release-reply", 14, 0x94, bytes([3, 3]), "RELEASE_ELEMENT reply element=3 state=released"),
    ("anneal-request", 15, 0x15, b"", "ANNEAL"),
    ("eject-request", 16, 0x16, b"", "EJECT"),
    ("abort-reply", 17, 0x97, bytes([2]), "ABORT reply state=cardLoaded"),
    ("error-unreleased", 18, 0xFE, struct.pack("<H", 0x0018) + s("element 2 is buffered"),
     "ERROR code=unreleasedData detail='element 2 is buffered'"),
    ("nak-bad-crc", 19, 0xFF, bytes([1]), "NAK reason=badCRC"),
    ("stuffing-zeros", 0, 0x04, b"", "QC request with seq 0 (frame contains zero bytes)"),
]


def main():
    os.makedirs(OUT, exist_ok=True)
    lines = [
        "# Normative frame vectors for PROTOCOL.md version 1. Generated by tools/make_vectors.py.",
        "# Columns, separated by ' | ': name | description | frame hex (before COBS, with CRC) | wire hex (COBS + 0x00)",
    ]
    for name, seq, mtype, payload, desc in MESSAGES:
        fr = frame(seq, mtype, payload)
        lines.append(" | ".join([name, desc, fr.hex(), wire(fr).hex()]))
    # curve info reply with a real CRC-32 of a 3-channel curve
    curve = [(120, 500), (3456, 510), (78, 520)]
    raw = b"".join(struct.pack("<Ih", c, t) for c, t in curve)
    crc = crc32_iso_hdlc(raw)
    info = bytes([2, 2]) + struct.pack("<HIIhI", 3, 133350, 37, 3012, crc)
    fr = frame(20, 0x92, info)
    lines.append(" | ".join(["curve-info-reply", f"GET_CURVE_INFO reply element=2 state=buffered channels=3 channelUs=133350 dark=37/s heaterMax=301.2C crc32=0x{crc:08X} over channels [(120,50.0C),(3456,51.0C),(78,52.0C)]", fr.hex(), wire(fr).hex()]))
    # a long chunk (364 payload bytes) whose COBS encoding crosses a 254-byte block
    chans = [((i * 7919) % 70000, 500 + 13 * i) for i in range(60)]
    fr = frame(21, 0x93, chunk(1, 0, chans))
    lines.append(" | ".join(["long-chunk-60", "GET_CHUNK reply element=1 first=0, 60 channels: counts (i*7919) mod 70000, temperature 50.0C + 1.3C*i", fr.hex(), wire(fr).hex()]))
    with open(os.path.join(OUT, "frames.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")

    bad = [
        "# Damaged wire inputs and the receiver error each must give (PROTOCOL.md 2.3). name | expected error | wire hex",
    ]
    good = frame(5, 0x03, b"")
    flipped = bytearray(good)
    flipped[-1] ^= 0x01
    bad.append(" | ".join(["crc-flipped", "badCRC", wire(bytes(flipped)).hex()]))
    short = bytes([1, 5, 3])
    bad.append(" | ".join(["too-short", "badLength", wire(short).hex()]))
    wrong_len = bytearray(frame(5, 0x03, b"\x01\x02"))
    wrong_len[3] = 5
    head = bytes(wrong_len[:-2])
    wrong_len = head + struct.pack(">H", crc16_ibm3740(head))
    bad.append(" | ".join(["length-field-wrong", "badLength", wire(wrong_len).hex()]))
    bad.append(" | ".join(["cobs-code-past-end", "badStuffing", "05010203" + "00"]))
    v2 = frame(5, 0x03, b"", ver=2)
    bad.append(" | ".join(["version-2", "unsupportedVersion", wire(v2).hex()]))
    with open(os.path.join(OUT, "bad-frames.txt"), "w") as f:
        f.write("\n".join(bad) + "\n")

    checks = [
        "# CRC check values. name | input (ASCII or hex:) | value hex",
        "crc16-ibm3740 | 123456789 | 29b1",
        f"crc16-ibm3740 | hex:0105030000 | {crc16_ibm3740(bytes.fromhex('0105030000')):04x}",
        "crc32-iso-hdlc | 123456789 | cbf43926",
        f"crc32-iso-hdlc | hex:{raw.hex()} | {crc:08x}",
    ]
    assert crc16_ibm3740(b"123456789") == 0x29B1
    assert crc32_iso_hdlc(b"123456789") == 0xCBF43926
    with open(os.path.join(OUT, "crc.txt"), "w") as f:
        f.write("\n".join(checks) + "\n")


if __name__ == "__main__":
    main()
