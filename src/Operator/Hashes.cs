using System.Security.Cryptography;
using System.Text;

namespace Operator;

/// <summary>Short, stable digests of non-secret text (inputs recorded in status), never of values.</summary>
public static class Hashes
{
    /// <summary>The first 16 hex characters of the SHA-256 of <paramref name="text"/> (UTF-8).</summary>
    public static string Digest(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
    }
}
