using System.Buffers.Binary;
using System.Text;

namespace Operator.Testing.Kube.Protobuf;

/// <summary>One field read from the protobuf wire: its number, wire type and value (varint, fixed or bytes).</summary>
internal readonly record struct ProtoField(int Number, int WireType, ulong Varint, ReadOnlyMemory<byte> Bytes)
{
    public string String => Encoding.UTF8.GetString(Bytes.Span);
}

/// <summary>A minimal protobuf wire-format reader; malformed input is a 400, never an emulator error.</summary>
internal static class ProtoReader
{
    public static IEnumerable<ProtoField> Fields(ReadOnlyMemory<byte> message)
    {
        var position = 0;
        while (position < message.Length)
        {
            var tag = Varint(message.Span, ref position);
            var (number, wireType) = ((int)(tag >> 3), (int)(tag & 7));
            switch (wireType)
            {
                case 0:
                    yield return new ProtoField(number, 0, Varint(message.Span, ref position), default);
                    break;
                case 1:
                    Need(message, position, 8);
                    yield return new ProtoField(number, 1, BinaryPrimitives.ReadUInt64LittleEndian(message.Span[position..]), default);
                    position += 8;
                    break;
                case 2:
                    var length = (int)Varint(message.Span, ref position);
                    Need(message, position, length);
                    yield return new ProtoField(number, 2, 0, message.Slice(position, length));
                    position += length;
                    break;
                case 5:
                    Need(message, position, 4);
                    yield return new ProtoField(number, 5, BinaryPrimitives.ReadUInt32LittleEndian(message.Span[position..]), default);
                    position += 4;
                    break;
                default:
                    throw Malformed($"wire type {wireType}");
            }
        }
    }

    private static ulong Varint(ReadOnlySpan<byte> data, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (position >= data.Length)
            {
                throw Malformed("truncated varint");
            }

            var b = data[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        throw Malformed("varint too long");
    }

    private static void Need(ReadOnlyMemory<byte> message, int position, int length)
    {
        if (length < 0 || position + length > message.Length)
        {
            throw Malformed("truncated field");
        }
    }

    private static KubeApiException Malformed(string what) =>
        KubeApiException.BadRequest($"the object provided is unrecognized: invalid protobuf ({what})");
}
