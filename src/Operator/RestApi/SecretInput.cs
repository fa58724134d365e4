using System.Text.Json;
using System.Text.Json.Serialization;

namespace Operator.RestApi;

/// <summary>One key and, optionally, its new value: <c>value</c> as text (stored as UTF-8) or <c>valueBase64</c> as bytes.</summary>
public sealed record SecretInput(
    [property: JsonPropertyName("key")] string? Key,
    [property: JsonPropertyName("value")] string? Value,
    [property: JsonPropertyName("valueBase64")] string? ValueBase64 = null)
{
    /// <summary>Whether a new value is given, in either form.</summary>
    [JsonIgnore]
    public bool HasValue => Value is not null || ValueBase64 is not null;

    /// <summary>The new value's bytes (the input was validated by <see cref="SecretsValidator"/>).</summary>
    public byte[] Bytes() => ValueBase64 is not null ? Convert.FromBase64String(ValueBase64) : System.Text.Encoding.UTF8.GetBytes(Value ?? "");

    /// <summary>Never prints the value.</summary>
    public override string ToString() => $"SecretInput(key: {Key}, hasValue: {HasValue})";
}
