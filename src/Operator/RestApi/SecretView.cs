using System.Text;
using Operator.Stores;

namespace Operator.RestApi;

/// <summary>
/// One secret (a key of a group). <c>id</c> is <c>&lt;group id&gt;:&lt;key&gt;</c>; <c>version</c> is the store's
/// version of the value; <c>value</c> (text, when the bytes are UTF-8) and <c>valueBase64</c> only where the route
/// returns values. <c>remoteRef</c>: the key reads another location, whose value the API neither shows nor sets.
/// </summary>
public sealed record SecretView(string Id, string Fqn, string Name, string SecretGroupId, string? RemoteRef, string? Version, string? Value, string? ValueBase64);

/// <summary>A stored value in the API's two forms.</summary>
internal static class SecretValues
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>(text or null when the bytes are not UTF-8, base64).</summary>
    public static (string? Text, string Base64) Of(StoreValue value)
    {
        ArgumentNullException.ThrowIfNull(value);
        string? text;
        try
        {
            text = Strict.GetString(value.Value.Span);
        }
        catch (DecoderFallbackException)
        {
            text = null;
        }

        return (text, Convert.ToBase64String(value.Value.Span));
    }
}
