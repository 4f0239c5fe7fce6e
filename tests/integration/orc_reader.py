"""A small ORC reader for the test suite (test code only), written from the ORC v1
specification (orc.apache.org/specification/ORCv1, orc_proto.proto): PostScript, Footer and
StripeFooter protobufs; ZLIB/uncompressed compression chunks; PRESENT streams; byte and boolean
RLE; integer RLE v1 is not needed (format 0.12 writes v2); integer RLE v2 with all four
sub-encodings (SHORT_REPEAT, DIRECT, PATCHED_BASE, DELTA); STRING/VARCHAR/CHAR in DIRECT_V2 and
DICTIONARY_V2; BOOLEAN, BYTE, SHORT, INT, LONG and TIMESTAMP (seconds since 2015-01-01 UTC plus
nanoseconds with trailing zeros removed); MAP (PRESENT, a LENGTH stream of entry counts in RLE v2,
then its key and value child columns holding one value per entry), read as a list of
(key, value) pairs. The reference files have no MAP column: that part is written from the
specification's "Map Columns" section alone.

It is proven on Apache ORC's own files (shared/testdata/orc, test_orc_reader.py) before it is
trusted to judge Stocktake's ORC reports. It rejects what it does not understand rather than
guessing."""
import datetime
import zlib

# Type kinds
BOOLEAN, BYTE, SHORT, INT, LONG, FLOAT, DOUBLE, STRING, BINARY, TIMESTAMP = range(10)
LIST, MAP, STRUCT, UNION, DECIMAL, DATE, VARCHAR, CHAR = range(10, 18)
# Stream kinds
PRESENT, DATA, LENGTH, DICTIONARY_DATA, DICTIONARY_COUNT, SECONDARY, ROW_INDEX = range(7)
# Column encodings
DIRECT, DICTIONARY, DIRECT_V2, DICTIONARY_V2 = range(4)
EPOCH_2015 = 1420070400


class OrcError(Exception):
    pass


# ---- protobuf (wire format) ----

def _varint(buf, pos):
    result = shift = 0
    while True:
        if pos >= len(buf):
            raise OrcError("truncated varint")
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if b < 0x80:
            return result, pos
        shift += 7


def parse_message(buf):
    """{field number: [values]}: ints for varints/fixed, bytes for length-delimited."""
    fields, pos = {}, 0
    while pos < len(buf):
        key, pos = _varint(buf, pos)
        num, wire = key >> 3, key & 7
        if wire == 0:
            val, pos = _varint(buf, pos)
        elif wire == 2:
            n, pos = _varint(buf, pos)
            val, pos = bytes(buf[pos:pos + n]), pos + n
        elif wire == 1:
            val, pos = int.from_bytes(buf[pos:pos + 8], "little"), pos + 8
        elif wire == 5:
            val, pos = int.from_bytes(buf[pos:pos + 4], "little"), pos + 4
        else:
            raise OrcError("unsupported wire type %d" % wire)
        fields.setdefault(num, []).append(val)
    return fields


def _one(msg, num, default=None):
    return msg[num][0] if num in msg else default


def _packed_uint32(msg, num):
    out = []
    for v in msg.get(num, []):
        if isinstance(v, int):
            out.append(v)
        else:
            pos = 0
            while pos < len(v):
                x, pos = _varint(v, pos)
                out.append(x)
    return out


# ---- compression ----

def decompress(data, codec):
    if codec == 0:
        return data
    if codec != 1:
        raise OrcError("codec %d not supported by the test reader" % codec)
    out, pos = bytearray(), 0
    while pos < len(data):
        if pos + 3 > len(data):
            raise OrcError("truncated compression chunk header")
        h = data[pos] | data[pos + 1] << 8 | data[pos + 2] << 16
        pos += 3
        n, original = h >> 1, h & 1
        chunk = data[pos:pos + n]
        if len(chunk) != n:
            raise OrcError("truncated compression chunk")
        out += chunk if original else zlib.decompress(chunk, -15)
        pos += n
    return bytes(out)


# ---- run-length encodings ----

def byte_rle(data, count):
    out, pos = [], 0
    while len(out) < count:
        c = data[pos]
        pos += 1
        if c < 128:
            out += [data[pos]] * (c + 3)
            pos += 1
        else:
            n = 256 - c
            out += list(data[pos:pos + n])
            pos += n
    return out[:count]


def boolean_rle(data, count):
    out = []
    for byte in byte_rle(data, (count + 7) // 8):
        out += [(byte >> (7 - i)) & 1 for i in range(8)]
    return out[:count]


_WIDTHS = list(range(1, 25)) + [26, 28, 30, 32, 40, 48, 56, 64]


def _unzigzag(v):
    return (v >> 1) ^ -(v & 1)


def _bits(data, pos, n, width):
    """n big-endian bit-packed values of width bits from byte pos; returns values, next pos."""
    out, acc, have = [], 0, 0
    for _ in range(n):
        while have < width:
            acc = acc << 8 | data[pos]
            pos += 1
            have += 8
        have -= width
        out.append((acc >> have) & ((1 << width) - 1))
        acc &= (1 << have) - 1
    return out, pos


def _closest_fixed_bits(n):
    for w in _WIDTHS:
        if w >= n:
            return w
    return 64


def rle_v2(data, count, signed):
    out, pos = [], 0
    while len(out) < count:
        first = data[pos]
        enc = first >> 6
        if enc == 0:  # SHORT_REPEAT
            width = ((first >> 3) & 7) + 1
            repeat = (first & 7) + 3
            v = int.from_bytes(data[pos + 1:pos + 1 + width], "big")
            pos += 1 + width
            out += [_unzigzag(v) if signed else v] * repeat
        elif enc == 1:  # DIRECT
            width = _WIDTHS[(first >> 1) & 0x1F]
            n = ((first & 1) << 8 | data[pos + 1]) + 1
            vals, pos = _bits(data, pos + 2, n, width)
            out += [_unzigzag(v) if signed else v for v in vals]
        elif enc == 2:  # PATCHED_BASE
            width = _WIDTHS[(first >> 1) & 0x1F]
            n = ((first & 1) << 8 | data[pos + 1]) + 1
            b2, b3 = data[pos + 2], data[pos + 3]
            base_bytes = ((b2 >> 5) & 7) + 1
            patch_width = _WIDTHS[b2 & 0x1F]
            gap_width = ((b3 >> 5) & 7) + 1
            patch_count = b3 & 0x1F
            pos += 4
            base = int.from_bytes(data[pos:pos + base_bytes], "big")
            pos += base_bytes
            sign = 1 << (base_bytes * 8 - 1)
            if base & sign:
                base = -(base & (sign - 1))
            vals, pos = _bits(data, pos, n, width)
            patches, pos = _bits(data, pos, patch_count,
                                 _closest_fixed_bits(gap_width + patch_width))
            index = 0
            for p in patches:
                index += p >> patch_width
                vals[index] |= (p & ((1 << patch_width) - 1)) << width
            out += [base + v for v in vals]
        else:  # DELTA
            code = (first >> 1) & 0x1F
            width = 0 if code == 0 else _WIDTHS[code]
            n = ((first & 1) << 8 | data[pos + 1]) + 1
            pos += 2
            base, pos = _varint(data, pos)
            if signed:
                base = _unzigzag(base)
            delta, pos = _varint(data, pos)
            delta = _unzigzag(delta)
            vals = [base]
            if n > 1:
                vals.append(base + delta)
            if width == 0:
                for _ in range(n - 2):
                    vals.append(vals[-1] + delta)
            elif n > 2:
                deltas, pos = _bits(data, pos, n - 2, width)
                for d in deltas:
                    vals.append(vals[-1] + d if delta >= 0 else vals[-1] - d)
            out += vals
    if len(out) != count:
        raise OrcError("RLE v2 run overran: %d values for %d" % (len(out), count))
    return out


# ---- the file ----

class OrcFile:
    def __init__(self, raw):
        self.raw = raw
        if raw[:3] != b"ORC":
            raise OrcError("no ORC header")
        ps_len = raw[-1]
        ps = parse_message(raw[-1 - ps_len:-1])
        if _one(ps, 8000) != b"ORC":
            raise OrcError("no ORC magic in the postscript")
        self.codec = _one(ps, 2, 0)
        self.block_size = _one(ps, 3, 262144)
        self.version = _packed_uint32(ps, 4)
        footer_len = _one(ps, 1)
        meta_len = _one(ps, 5, 0)
        end = len(raw) - 1 - ps_len
        self.footer = parse_message(decompress(raw[end - footer_len:end], self.codec))
        self.metadata = parse_message(decompress(raw[end - footer_len - meta_len:
                                                     end - footer_len], self.codec))
        self.types = [parse_message(t) for t in self.footer.get(4, [])]
        if not self.types or _one(self.types[0], 1) != STRUCT:
            raise OrcError("the root type is not a struct")
        self.names = [n.decode() for n in self.types[0].get(3, [])]
        self.columns = _packed_uint32(self.types[0], 2)
        self.num_rows = _one(self.footer, 6, 0)
        self.stripes = [parse_message(s) for s in self.footer.get(3, [])]

    def statistics(self):
        return [parse_message(s) for s in self.footer.get(7, [])]

    def rows(self):
        out = []
        for s in self.stripes:
            out += self._stripe_rows(s)
        if len(out) != self.num_rows:
            raise OrcError("stripes hold %d rows, footer says %d" % (len(out), self.num_rows))
        return out

    def _stripe_rows(self, s):
        offset, index_len = _one(s, 1), _one(s, 2, 0)
        data_len, footer_len, n = _one(s, 3), _one(s, 4), _one(s, 5)
        sf = parse_message(decompress(self.raw[offset + index_len + data_len:
                                               offset + index_len + data_len + footer_len],
                                      self.codec))
        self.writer_timezone = _one(sf, 3, b"").decode()
        streams, pos = {}, offset
        for st in sf.get(1, []):
            m = parse_message(st)
            kind, col, length = _one(m, 1, 0), _one(m, 2, 0), _one(m, 3, 0)
            streams[(col, kind)] = decompress(self.raw[pos:pos + length], self.codec)
            pos += length
        encodings = [parse_message(e) for e in sf.get(2, [])]
        self._encodings = encodings
        self.stripe_encodings = getattr(self, "stripe_encodings", []) + [
            [_one(e, 1, DIRECT) for e in encodings]]
        values = {}
        for name, col in zip(self.names, self.columns):
            values[name] = self._column(col, n, streams, encodings[col])
        return [{name: values[name][i] for name in self.names} for i in range(n)]

    def _column(self, col, n, streams, encoding):
        kind = _one(self.types[col], 1)
        enc = _one(encoding, 1, DIRECT)
        present = boolean_rle(streams[(col, PRESENT)], n) if (col, PRESENT) in streams \
            else [1] * n
        m = sum(present)
        if kind == BOOLEAN:
            vals = boolean_rle(streams.get((col, DATA), b""), m)
            vals = [bool(v) for v in vals]
        elif kind == BYTE:
            vals = [v - 256 if v > 127 else v for v in byte_rle(streams.get((col, DATA), b""), m)]
        elif kind in (SHORT, INT, LONG):
            self._need_v2(enc)
            vals = rle_v2(streams.get((col, DATA), b""), m, True)
        elif kind in (STRING, VARCHAR, CHAR):
            vals = self._strings(col, m, streams, enc, encoding)
        elif kind == TIMESTAMP:
            self._need_v2(enc)
            secs = rle_v2(streams.get((col, DATA), b""), m, True)
            nanos = rle_v2(streams.get((col, SECONDARY), b""), m, False)
            vals = [self._timestamp(s, v) for s, v in zip(secs, nanos)]
        elif kind == MAP:
            self._need_v2(enc)
            lengths = rle_v2(streams.get((col, LENGTH), b""), m, False)
            children = _packed_uint32(self.types[col], 2)
            if len(children) != 2:
                raise OrcError("a map type without key and value subtypes")
            total = sum(lengths)
            keys = self._column(children[0], total, streams, self._encodings[children[0]])
            items = self._column(children[1], total, streams, self._encodings[children[1]])
            pairs, vals = iter(zip(keys, items)), []
            for length in lengths:
                vals.append([next(pairs) for _ in range(length)])
        else:
            raise OrcError("type kind %d not supported by the test reader" % kind)
        it = iter(vals)
        return [next(it) if p else None for p in present]

    @staticmethod
    def _need_v2(enc):
        if enc not in (DIRECT_V2, DICTIONARY_V2):
            raise OrcError("RLE v1 not supported by the test reader")

    def _strings(self, col, m, streams, enc, encoding):
        self._need_v2(enc)
        if enc == DIRECT_V2:
            lengths = rle_v2(streams.get((col, LENGTH), b""), m, False)
            data, pos, vals = streams.get((col, DATA), b""), 0, []
            for length in lengths:
                vals.append(data[pos:pos + length].decode("utf-8"))
                pos += length
            if pos != len(data):
                raise OrcError("string data has %d bytes past the lengths" % (len(data) - pos))
            return vals
        size = _one(encoding, 2, 0)
        lengths = rle_v2(streams.get((col, LENGTH), b""), size, False)
        blob, pos, words = streams.get((col, DICTIONARY_DATA), b""), 0, []
        for length in lengths:
            words.append(blob[pos:pos + length].decode("utf-8"))
            pos += length
        return [words[i] for i in rle_v2(streams.get((col, DATA), b""), m, False)]

    def _timestamp(self, secs, encoded):
        zeros = encoded & 7
        nanos = encoded >> 3
        if zeros:
            nanos *= 10 ** (zeros + 1)
        seconds = EPOCH_2015 + secs
        if seconds < 0 and nanos > 999999:
            seconds -= 1
        return (seconds, nanos)


def format_timestamp(value):
    """As Apache ORC's orc-contents prints it: fraction with trailing zeros trimmed."""
    if value is None:
        return None
    seconds, nanos = value
    t = datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc)
    frac = ("%09d" % nanos).rstrip("0") or "0"
    return t.strftime("%Y-%m-%d %H:%M:%S.") + frac


def read(path):
    with open(path, "rb") as f:
        return OrcFile(f.read())
