using System.Text;
using System.Text.Unicode;

namespace Operator.Stores;

/// <summary>
/// Bytes in stores whose values are text (SSM, Key Vault, Vault KV): valid UTF-8 is kept as text; anything else
/// (invalid UTF-8, a NUL, or text that itself starts with the marker) is written as an RFC 2397 data URL,
/// <c>data:application/octet-stream;base64,&lt;base64&gt;</c>, and read back as the bytes it holds. So every value the
/// operator writes reads back exactly, and a value written by others in that form arrives decoded.
/// </summary>
public static class StoreText
{
    /// <summary>The marker of a binary value kept as text.</summary>
    public const string BinaryPrefix = "data:application/octet-stream;base64,";

    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The text a store keeps for <paramref name="value"/>.</summary>
    public static string Encode(ReadOnlySpan<byte> value)
    {
        if (value.IndexOf((byte)0) < 0 && Utf8.IsValid(value))
        {
            var text = Strict.GetString(value);
            if (!text.StartsWith(BinaryPrefix, StringComparison.Ordinal))
            {
                return text;
            }
        }

        return BinaryPrefix + Convert.ToBase64String(value);
    }

    /// <summary>The bytes of a stored text: a data URL of this form decoded, any other text as UTF-8.</summary>
    public static byte[] Decode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.StartsWith(BinaryPrefix, StringComparison.Ordinal))
        {
            var payload = text.AsSpan(BinaryPrefix.Length);
            var buffer = new byte[payload.Length * 3 / 4];
            if (Convert.TryFromBase64Chars(payload, buffer, out var written))
            {
                return buffer[..written];
            }
        }

        return Encoding.UTF8.GetBytes(text);
    }

    /// <summary>Throws <see cref="StoreErrorKind.ValueTooLarge"/> when <paramref name="size"/> exceeds <paramref name="limit"/>.</summary>
    public static void CheckSize(string path, long size, long limit, string unit, string service)
    {
        if (size > limit)
        {
            throw new SecretStoreException(
                StoreErrorKind.ValueTooLarge,
                $"the value for {Echo.Quote(path)} is {size} {unit} as stored; {service} takes at most {limit} (binary values are kept as base64 in text stores, a third larger)");
        }
    }
}
