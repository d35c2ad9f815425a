#!/usr/bin/env python3
"""The disk image of the VT-d self-test (test=vtd, drivers/vtd_selftest.c).

vtd_disk.py make IMG       writes 64 KiB: byte o is (o % 251) ^ ((o >> 9) & 0xff)
vtd_disk.py check IMG LOG  after the run: the 4 KiB at LBA 8 hold what the
                           hypervisor wrote, (0xa5 ^ (3 * i)) & 0xff, and
                           every other byte still holds the pattern
"""
import sys

SIZE = 64 * 1024
WRITE_OFF, WRITE_LEN = 8 * 512, 4096


def pattern(o):
    return (o % 251) ^ ((o >> 9) & 0xff)


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == "make":
        with open(sys.argv[2], "wb") as f:
            f.write(bytes(pattern(o) for o in range(SIZE)))
        return 0
    if len(sys.argv) >= 3 and sys.argv[1] == "check":
        data = open(sys.argv[2], "rb").read()
        if len(data) != SIZE:
            print(f"vtd_disk: image is {len(data)} bytes, expected {SIZE}")
            return 1
        for o in range(SIZE):
            if WRITE_OFF <= o < WRITE_OFF + WRITE_LEN:
                want = (0xa5 ^ (3 * (o - WRITE_OFF))) & 0xff
            else:
                want = pattern(o)
            if data[o] != want:
                print(f"vtd_disk: byte {o:#x} is {data[o]:#x}, expected {want:#x}")
                return 1
        print("vtd_disk: the block the hypervisor wrote is on the disk image, the rest intact")
        return 0
    print(__doc__)
    return 2


sys.exit(main())
