using System.Text.Json;

namespace Operator.Templates;

/// <summary>
/// The keys a typed Secret must have, checked before writing so the condition names the field and the keys (the API
/// server's refusal, pkg/apis/core/validation ValidateSecret, would only be an HTTP 422).
/// </summary>
internal static class SecretTypes
{
    /// <summary>Why <paramref name="data"/> cannot be a Secret of <paramref name="type"/>, or null when it can.</summary>
    public static string? Problem(string type, IReadOnlyDictionary<string, byte[]> data)
    {
        var keys = data.Count == 0 ? "none" : string.Join(", ", data.Keys.Order(StringComparer.Ordinal).Take(20));
        return type switch
        {
            "kubernetes.io/tls" when !data.ContainsKey("tls.crt") || !data.ContainsKey("tls.key") => $"type kubernetes.io/tls needs the keys tls.crt and tls.key; the Secret would have: {keys}",
            "kubernetes.io/dockerconfigjson" => JsonObjectProblem(type, ".dockerconfigjson", data, keys),
            "kubernetes.io/dockercfg" => JsonObjectProblem(type, ".dockercfg", data, keys),
            "kubernetes.io/basic-auth" when !data.ContainsKey("username") && !data.ContainsKey("password") => $"type kubernetes.io/basic-auth needs the key username or password; the Secret would have: {keys}",
            "kubernetes.io/ssh-auth" when !data.TryGetValue("ssh-privatekey", out var key) || key.Length == 0 => $"type kubernetes.io/ssh-auth needs a non-empty key ssh-privatekey; the Secret would have: {keys}",
            _ => null,
        };
    }

    private static string? JsonObjectProblem(string type, string key, IReadOnlyDictionary<string, byte[]> data, string keys)
    {
        if (!data.TryGetValue(key, out var value))
        {
            return $"type {type} needs the key {key}; the Secret would have: {keys}";
        }

        try
        {
            using var document = JsonDocument.Parse(value);
            return document.RootElement.ValueKind == JsonValueKind.Object ? null : $"type {type}: {key} must be a JSON object";
        }
        catch (JsonException)
        {
            return $"type {type}: {key} is not JSON";
        }
    }
}
