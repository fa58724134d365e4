using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Operator.Testing.Kube;

/// <summary>
/// The keys a Secret's type requires, as kube-apiserver's pkg/apis/core/validation ValidateSecret checks them:
/// kubernetes.io/tls needs tls.crt and tls.key; kubernetes.io/dockerconfigjson needs .dockerconfigjson holding a JSON
/// object (kubernetes.io/dockercfg: .dockercfg); kubernetes.io/basic-auth needs username or password (either may be
/// empty, and one alone is enough: "username or password might be empty, but the field must be present");
/// kubernetes.io/ssh-auth a non-empty ssh-privatekey; kubernetes.io/service-account-token the annotation
/// kubernetes.io/service-account.name. Other types (Opaque, custom ones) need nothing.
/// </summary>
internal static partial class ObjectValidation
{
    private static void ValidateSecretType(JsonObject secret, List<FieldError> errors)
    {
        var data = secret["data"] as JsonObject;
        bool Has(string key) => data?.ContainsKey(key) == true;
        switch (secret["type"]?.GetValue<string>())
        {
            case "kubernetes.io/service-account-token":
                if (string.IsNullOrEmpty(secret["metadata"]?["annotations"]?["kubernetes.io/service-account.name"]?.GetValue<string>()))
                {
                    errors.Add(FieldError.Required("metadata.annotations[kubernetes.io/service-account.name]"));
                }

                break;
            case "kubernetes.io/dockercfg":
                RequireJsonObject(data, ".dockercfg", errors);
                break;
            case "kubernetes.io/dockerconfigjson":
                RequireJsonObject(data, ".dockerconfigjson", errors);
                break;
            case "kubernetes.io/basic-auth" when !Has("username") && !Has("password"):
                errors.Add(FieldError.Required("data[username]"));
                errors.Add(FieldError.Required("data[password]"));
                break;
            case "kubernetes.io/ssh-auth" when DecodedLength(data?["ssh-privatekey"]) == 0:
                errors.Add(FieldError.Required("data[ssh-privatekey]"));
                break;
            case "kubernetes.io/tls":
                foreach (var key in new[] { "tls.crt", "tls.key" }.Where(k => !Has(k)))
                {
                    errors.Add(FieldError.Required($"data[{key}]"));
                }

                break;
        }
    }

    /// <summary>The key must be present and its value a JSON object; the value is never echoed ("&lt;secret contents redacted&gt;").</summary>
    private static void RequireJsonObject(JsonObject? data, string key, List<FieldError> errors)
    {
        if (data?[key] is not { } value)
        {
            errors.Add(FieldError.Required($"data[{key}]"));
            return;
        }

        try
        {
            if (JsonNode.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(value.ToString()))) is JsonObject)
            {
                return;
            }
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
        }

        errors.Add(new FieldError($"data[{key}]", "FieldValueInvalid", "Invalid value: \"<secret contents redacted>\": not a JSON object"));
    }

    private static int DecodedLength(JsonNode? value)
    {
        var text = value?.ToString() ?? "";
        var buffer = new byte[text.Length];
        return Convert.TryFromBase64String(text, buffer, out var length) ? length : 0;
    }
}
