using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;

namespace Operator.Testing.Kube.Protobuf;

/// <summary>A minimal protobuf wire-format writer (varint, 64-bit and length-delimited fields), proto3 style:
/// default values are not written unless asked.</summary>
internal sealed class ProtoWriter
{
    private readonly MemoryStream _buffer = new();

    public byte[] ToArray() => _buffer.ToArray();

    public void String(int field, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            Bytes(field, Encoding.UTF8.GetBytes(value));
        }
    }

    public void Strings(int field, JsonNode? values)
    {
        foreach (var value in values as JsonArray ?? [])
        {
            Bytes(field, Encoding.UTF8.GetBytes((string?)value ?? ""));
        }
    }

    public void Bool(int field, bool value, bool always = false)
    {
        if (value || always)
        {
            Tag(field, 0);
            Varint(value ? 1UL : 0UL);
        }
    }

    public void Int(int field, long? value)
    {
        if (value is { } v and not 0)
        {
            Tag(field, 0);
            Varint(unchecked((ulong)v));
        }
    }

    public void Double(int field, double? value)
    {
        if (value is { } v && v != 0)
        {
            Tag(field, 1);
            Span<byte> bytes = stackalloc byte[8];
            BinaryPrimitives.WriteDoubleLittleEndian(bytes, v);
            _buffer.Write(bytes);
        }
    }

    /// <summary>A gnostic <c>Any</c>: the value as YAML text (field 2).</summary>
    public void Any(int field, JsonNode? value, bool always = false)
    {
        if (value is not null || always)
        {
            Message(field, any => any.String(2, value?.ToJsonString(Json.Options) ?? "null"));
        }
    }

    public void Message(int field, Action<ProtoWriter> write)
    {
        var nested = new ProtoWriter();
        write(nested);
        Bytes(field, nested._buffer.ToArray());
    }

    public void Bytes(int field, ReadOnlySpan<byte> bytes)
    {
        Tag(field, 2);
        Varint((ulong)bytes.Length);
        _buffer.Write(bytes);
    }

    private void Tag(int field, int wireType) => Varint(((ulong)field << 3) | (uint)wireType);

    private void Varint(ulong value)
    {
        while (value >= 0x80)
        {
            _buffer.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }

        _buffer.WriteByte((byte)value);
    }
}
