"""ORC inventory reports read by the suite's ORC reader (orc_reader.py, itself proven on Apache
ORC's reference files in test_orc_reader.py): schema, compression, stripes, statistics and
every row against the S3 listing, for versioned and unversioned buckets, all optional fields,
nulls, tricky keys, several stripes and files."""
import datetime
import pytest

import orc_reader
from test_inventory_parquet import listing_rows, make_report
from test_inventory_reports import fetch_report


def orc_ts(value):
    seconds, nanos = value
    t = datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (nanos // 1000000)


@pytest.mark.parametrize("versions", [False, True])
def test_orc_report(server, s3, tmp_path, versions):
    src = "orc-src-%s" % ("all" if versions else "current")
    p = make_report(server, s3, src, versions, "ORC")
    manifest, files = fetch_report(s3, src + "-dst", p.stdout.strip(), tmp_path)
    assert manifest["fileFormat"] == "ORC"
    assert all(f["key"].endswith(".orc") for f in manifest["files"])
    schema = manifest["fileSchema"]
    assert schema.startswith("struct<bucket:string,key:string,")
    assert ",size:bigint,last_modified_date:timestamp,e_tag:string,storage_class:string," in schema
    assert len(files) > 1
    got, stripes = [], 0
    for path in files:
        with open(path, "rb") as f:
            orc = orc_reader.OrcFile(f.read())
        assert orc.codec == 1 and orc.version == [0, 12]
        assert "struct<" + ",".join("%s:%s" % (n, t) for n, t in zip(
            orc.names, [schema.split(n + ":")[1].split(",")[0].rstrip(">")
                        for n in orc.names])) + ">" == schema
        rows = orc.rows()
        assert orc.writer_timezone == "UTC"
        stripes += len(orc.stripes)
        stats = orc.statistics()
        assert orc_reader._one(stats[0], 1) == len(rows)
        key_col = orc.names.index("key") + 1
        key_stats = orc_reader.parse_message(orc_reader._one(stats[key_col], 4))
        keys = [r["key"] for r in rows]
        assert orc_reader._one(key_stats, 1).decode() == min(keys, key=lambda k: k.encode())
        assert orc_reader._one(key_stats, 2).decode() == max(keys, key=lambda k: k.encode())
        repl = stats[orc.names.index("replication_status") + 1]
        assert orc_reader._one(repl, 10) == 1 and orc_reader._one(repl, 1) == 0  # all null
        assert len(orc.metadata.get(1, [])) == len(orc.stripes)  # stripe statistics
        for r in rows:
            assert r["bucket"] == src
            assert r["replication_status"] is None
            got.append((r["key"], r.get("version_id"), r.get("is_latest"),
                        r.get("is_delete_marker"), r["size"], r["e_tag"],
                        orc_ts(r["last_modified_date"]), r["storage_class"]))
    assert stripes > len(files)
    # low-cardinality strings use a dictionary; keys are direct
    sc = orc.names.index("storage_class") + 1
    kc = orc.names.index("key") + 1
    assert all(e[sc] == orc_reader.DICTIONARY_V2 for e in orc.stripe_encodings)
    assert all(e[kc] == orc_reader.DIRECT_V2 for e in orc.stripe_encodings)
    assert sorted(got, key=lambda r: (r[0], r[1] or "")) == listing_rows(s3, src, versions)
