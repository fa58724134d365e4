using System.Security.Cryptography;
using System.Text;

namespace Operator.Controllers;

/// <summary>
/// Content hash of a managed Secret's data: the one thing compared to decide whether to write. It is keyed with a
/// random salt kept on the managed Secret, so the hash shown in status, Events or pod templates (readable by more
/// people than the Secret) cannot be used to guess low-entropy values offline.
/// </summary>
public static class SecretData
{
    /// <summary>A new random salt (hex) for a Secret that has none yet.</summary>
    public static string NewSalt() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public static string Hash(IReadOnlyDictionary<string, byte[]> data, string salt)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentException.ThrowIfNullOrEmpty(salt);
        using var sha = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(salt));
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

        return "hmac-sha256:" + Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}
