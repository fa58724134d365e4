using System.Security.Cryptography;
using System.Text;

namespace Operator.Controllers;

/// <summary>Content hash of a managed Secret's data: the one thing compared to decide whether to write.</summary>
public static class SecretData
{
    public static string Hash(IReadOnlyDictionary<string, byte[]> data)
    {
        ArgumentNullException.ThrowIfNull(data);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> length = stackalloc byte[4];
        foreach (var (key, value) in data.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            // Length-prefixed, so ("ab","c") and ("a","bc") hash differently.
            var k = Encoding.UTF8.GetBytes(key);
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(length, k.Length);
            sha.AppendData(length);
            sha.AppendData(k);
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(length, value.Length);
            sha.AppendData(length);
            sha.AppendData(value);
        }

        return "sha256:" + Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}
