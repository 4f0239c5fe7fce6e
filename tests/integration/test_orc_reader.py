"""The test suite's ORC reader must reproduce Apache ORC's own reading of the reference files
(shared/testdata/orc/*.expected.jsonl, printed by orc-contents) exactly, row for row, before it
may judge Stocktake's ORC reports."""
import glob
import json
import os

import pytest

from conftest import ROOT
import orc_reader

# shared/ sits beside the checkout (as in CI); STOCKTAKE_ORC_TESTDATA overrides the place
TESTDATA = os.environ.get("STOCKTAKE_ORC_TESTDATA",
                          os.path.join(os.path.dirname(ROOT), "shared", "testdata", "orc"))
FILES = sorted(glob.glob(os.path.join(TESTDATA, "*.orc")))
PARAMS = FILES or [pytest.param(None, marks=pytest.mark.skip(
    reason="no reference ORC files at %s" % TESTDATA))]


def as_json_line(row, orc):
    out = {}
    for name, col in zip(orc.names, orc.columns):
        v = row[name]
        if orc_reader._one(orc.types[col], 1) == orc_reader.TIMESTAMP:
            v = orc_reader.format_timestamp(v)
        out[name] = v
    return json.dumps(out, ensure_ascii=False)


@pytest.mark.parametrize("path", PARAMS,
                         ids=lambda p: os.path.basename(p) if isinstance(p, str) else "missing")
def test_reference_file_rows(path):
    orc = orc_reader.read(path)
    with open(path[: -len(".orc")] + ".expected.jsonl", encoding="utf-8") as f:
        expected = f.read().splitlines()
    got = [as_json_line(r, orc) for r in orc.rows()]
    assert len(got) == len(expected)
    for i, (g, e) in enumerate(zip(got, expected)):
        assert g == e, "row %d" % i
    with open(path[: -len(".orc")] + ".metadata.json", encoding="utf-8") as f:
        meta = json.load(f)
    assert orc.num_rows == meta["rows"]
    assert len(orc.stripes) == meta["stripe count"]
    assert orc.codec == 1 and meta["compression"] == "zlib"
    assert orc.writer_timezone in ("UTC", "")


# The worked examples of the ORC v1 specification's "Integer Run Length Encoding, version 2"
# section (unsigned), one per sub-encoding; PATCHED_BASE does not occur in the reference files.
SPEC_EXAMPLES = [
    ("SHORT_REPEAT", [0x0a, 0x27, 0x10], [10000] * 5),
    ("DIRECT", [0x5e, 0x03, 0x5c, 0xa1, 0xab, 0x1e, 0xde, 0xad, 0xbe, 0xef],
     [23713, 43806, 57005, 48879]),
    ("PATCHED_BASE", [0x8e, 0x13, 0x2b, 0x21, 0x07, 0xd0, 0x1e, 0x00, 0x14, 0x70, 0x28, 0x32,
                      0x3c, 0x46, 0x50, 0x5a, 0x64, 0x6e, 0x78, 0x82, 0x8c, 0x96, 0xa0, 0xaa,
                      0xb4, 0xbe, 0xfc, 0xe8],
     [2030, 2000, 2020, 1000000, 2040, 2050, 2060, 2070, 2080, 2090, 2100, 2110, 2120, 2130,
      2140, 2150, 2160, 2170, 2180, 2190]),
    ("DELTA", [0xc6, 0x09, 0x02, 0x02, 0x22, 0x42, 0x42, 0x46],
     [2, 3, 5, 7, 11, 13, 17, 19, 23, 29]),
]


@pytest.mark.parametrize("name,data,values", SPEC_EXAMPLES, ids=[e[0] for e in SPEC_EXAMPLES])
def test_rle_v2_spec_examples(name, data, values):
    assert orc_reader.rle_v2(bytes(data), len(values), False) == values


def test_byte_and_boolean_rle():
    assert orc_reader.byte_rle(bytes([0x61, 0x00]), 100) == [0] * 100
    assert orc_reader.byte_rle(bytes([0xfe, 0x44, 0x45]), 2) == [0x44, 0x45]
    assert orc_reader.boolean_rle(bytes([0xff, 0x80]), 8) == [1, 0, 0, 0, 0, 0, 0, 0]
