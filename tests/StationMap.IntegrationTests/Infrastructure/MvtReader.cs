using System.Text;

namespace StationMap.IntegrationTests.Infrastructure;

/// <summary>One decoded vector tile feature: its id (when it has one), first point (tile units) and properties.</summary>
public sealed record MvtFeature(ulong? Id, int Type, int X, int Y, IReadOnlyDictionary<string, object> Properties);

/// <summary>
/// A small, independent reader of Mapbox Vector Tiles (spec 2.1, protobuf wire format), written
/// from the specification rather than with the server's code, so the tests check what a client
/// library would read: layers, feature ids, tags resolved through the key/value tables, and the
/// first point of each geometry.
/// </summary>
public static class MvtReader
{
    public static Dictionary<string, (uint Extent, List<MvtFeature> Features)> Read(byte[] tile)
    {
        var layers = new Dictionary<string, (uint, List<MvtFeature>)>();
        var r = new Reader(tile, 0, tile.Length);
        while (!r.End)
        {
            var (field, wire) = r.Key();
            if (field == 3 && wire == 2) { var (name, extent, features) = Layer(r.Sub()); layers[name] = (extent, features); }
            else r.Skip(wire);
        }
        return layers;
    }

    static (string, uint, List<MvtFeature>) Layer(Reader r)
    {
        string name = "";
        uint extent = 4096;
        var keys = new List<string>();
        var values = new List<object>();
        var raw = new List<(ulong? Id, int Type, List<uint> Tags, List<uint> Geometry)>();
        while (!r.End)
        {
            var (field, wire) = r.Key();
            switch (field)
            {
                case 1: name = r.String(); break;
                case 2: raw.Add(Feature(r.Sub())); break;
                case 3: keys.Add(r.String()); break;
                case 4: values.Add(Value(r.Sub())); break;
                case 5: extent = (uint)r.Varint(); break;
                default: r.Skip(wire); break;
            }
        }
        var features = new List<MvtFeature>();
        foreach (var (id, type, tags, geometry) in raw)
        {
            var props = new Dictionary<string, object>();
            for (var i = 0; i + 1 < tags.Count; i += 2) props[keys[(int)tags[i]]] = values[(int)tags[i + 1]];
            // First command must be MoveTo (id 1) with its parameters zigzag-encoded.
            int x = 0, y = 0;
            if (geometry.Count >= 3 && (geometry[0] & 7) == 1) { x = Zigzag(geometry[1]); y = Zigzag(geometry[2]); }
            features.Add(new MvtFeature(id, type, x, y, props));
        }
        return (name, extent, features);
    }

    static (ulong?, int, List<uint>, List<uint>) Feature(Reader r)
    {
        ulong? id = null;
        var type = 0;
        var tags = new List<uint>();
        var geometry = new List<uint>();
        while (!r.End)
        {
            var (field, wire) = r.Key();
            switch (field)
            {
                case 1: id = r.Varint(); break;
                case 2: tags.AddRange(r.Packed()); break;
                case 3: type = (int)r.Varint(); break;
                case 4: geometry.AddRange(r.Packed()); break;
                default: r.Skip(wire); break;
            }
        }
        return (id, type, tags, geometry);
    }

    static object Value(Reader r)
    {
        object value = "";
        while (!r.End)
        {
            var (field, wire) = r.Key();
            value = field switch
            {
                1 => r.String(),
                2 => (object)BitConverter.ToSingle(r.Fixed(4)),
                3 => BitConverter.ToDouble(r.Fixed(8)),
                4 => (long)r.Varint(),
                5 => (long)r.Varint(),
                6 => (long)ZigzagLong(r.Varint()),
                7 => r.Varint() != 0,
                _ => Skipped(r, wire),
            };
        }
        return value;
    }

    static object Skipped(Reader r, int wire) { r.Skip(wire); return ""; }
    static int Zigzag(uint v) => (int)(v >> 1) ^ -(int)(v & 1);
    static long ZigzagLong(ulong v) => (long)(v >> 1) ^ -(long)(v & 1);

    sealed class Reader(byte[] data, int start, int end)
    {
        int _pos = start;
        public bool End => _pos >= end;

        public ulong Varint()
        {
            ulong v = 0;
            for (var shift = 0; ; shift += 7)
            {
                var b = data[_pos++];
                v |= (ulong)(b & 0x7f) << shift;
                if (b < 0x80) return v;
            }
        }

        public (int Field, int Wire) Key() { var k = Varint(); return ((int)(k >> 3), (int)(k & 7)); }

        public Reader Sub()
        {
            var len = (int)Varint();
            var sub = new Reader(data, _pos, _pos + len);
            _pos += len;
            return sub;
        }

        public string String() { var s = Sub(); return Encoding.UTF8.GetString(data, s._pos, s.Length); }
        int Length => end - _pos;

        public byte[] Fixed(int n) { var b = data[_pos..(_pos + n)]; _pos += n; return b; }

        public List<uint> Packed()
        {
            var s = Sub();
            var list = new List<uint>();
            while (!s.End) list.Add((uint)s.Varint());
            return list;
        }

        public void Skip(int wire)
        {
            switch (wire)
            {
                case 0: Varint(); break;
                case 1: _pos += 8; break;
                case 2: Sub(); break;
                case 5: _pos += 4; break;
                default: throw new InvalidDataException($"wire type {wire}");
            }
        }
    }
}
