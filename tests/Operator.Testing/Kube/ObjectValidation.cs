using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Operator.Testing.Kube.Validation;

namespace Operator.Testing.Kube;

/// <summary>Per-type validation and defaulting done on every create and update of the main resource.</summary>
internal static partial class ObjectValidation
{
    public const int MaxSecretSize = 1024 * 1024;

    /// <summary>Decodes (prunes unknown fields, refusing them under Strict), defaults and validates; <paramref name="old"/> is the stored object on updates.</summary>
    public static List<FieldError> Validate(ResourceType type, JsonObject obj, FieldValidation fields, JsonObject? old)
    {
        if (type.IsCustom)
        {
            ModelPruning.PruneMetadata(obj, fields.Unknown);
            if (type.Schema is not null)
            {
                SchemaValidator.PruneAndDefault(type.Schema, obj, fields.Unknown);
            }
        }
        else
        {
            ModelPruning.Prune(type, obj, fields.Unknown);
        }

        fields.ThrowIfStrict(type);
        var errors = new List<FieldError>();
        ValidateName(type, Meta.Name(obj), errors);
        MetadataValidation.Validate(obj, errors);
        if (type.Group == "events.k8s.io")
        {
            EventValidation.Validate(obj, errors);
        }

        if (type.Group.Length == 0 && type.Plural == "secrets")
        {
            ValidateSecret(obj, errors);
        }
        else if (type.Group.Length == 0 && type.Plural == "configmaps")
        {
            ValidateConfigMap(obj, errors);
        }
        else if (type.StorageKey == ResourceRegistry.CrdType.StorageKey)
        {
            errors.AddRange(CrdTypes.Validate(obj));
        }
        else if (type.IsCustom && type.Schema is not null)
        {
            errors.AddRange(SchemaValidator.Validate(type.Schema, obj));
            CelRules.Validate(type.Schema, obj, old, errors);
        }

        return errors;
    }

    private static void ValidateName(ResourceType type, string name, List<FieldError> errors)
    {
        const string field = "metadata.name";
        if (name.Length == 0)
        {
            errors.Add(new FieldError(field, "FieldValueRequired", "Required value: name or generateName is required"));
            return;
        }

        if (type.Group == "rbac.authorization.k8s.io")
        {
            // RBAC objects only need to be usable as a path segment ("system:controller:x" is fine).
            if (name is "." or ".." || name.Contains('/', StringComparison.Ordinal) || name.Contains('%', StringComparison.Ordinal))
            {
                errors.Add(FieldError.InvalidValue(field, name, "may not contain '/' or '%' and may not be '.' or '..'"));
            }

            return;
        }

        if (type.StorageKey == ResourceRegistry.NamespaceType.StorageKey)
        {
            if (name.Length > 63 || !Dns1123Label().IsMatch(name))
            {
                errors.Add(FieldError.InvalidValue(field, name,
                    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"));
            }

            return;
        }

        if (name.Length > 253 || !Dns1123Subdomain().IsMatch(name))
        {
            errors.Add(FieldError.InvalidValue(field, name,
                "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"));
        }
    }

    /// <summary>Rules that compare an update with the stored object; <paramref name="name"/> is null for status writes.</summary>
    public static void ValidateUpdate(ResourceType type, JsonObject old, JsonObject updated, string? name)
    {
        if (name is null || type.Group.Length != 0 || type.Plural is not ("secrets" or "configmaps"))
        {
            return;
        }

        var errors = new List<FieldError>();
        if (type.Plural == "secrets" && !JsonNode.DeepEquals(old["type"], updated["type"]))
        {
            errors.Add(FieldError.InvalidValue("type", updated["type"], "field is immutable"));
        }

        if (old["immutable"]?.GetValueKind() == System.Text.Json.JsonValueKind.True)
        {
            foreach (var field in new[] { "data", "binaryData" }.Where(f => !JsonNode.DeepEquals(old[f], updated[f])))
            {
                errors.Add(new FieldError(field, "FieldValueForbidden", "Forbidden: field is immutable when `immutable` is set"));
            }

            if (updated["immutable"]?.GetValueKind() != System.Text.Json.JsonValueKind.True)
            {
                errors.Add(new FieldError("immutable", "FieldValueForbidden", "Forbidden: field is immutable when `immutable` is set"));
            }
        }

        if (errors.Count > 0)
        {
            throw KubeApiException.Invalid(type, name, errors);
        }
    }

    private static void ValidateConfigMap(JsonObject map, List<FieldError> errors)
    {
        long total = 0;
        foreach (var (_, value) in (map["data"] as JsonObject)?.ToList() ?? [])
        {
            total += Encoding.UTF8.GetByteCount(value?.ToString() ?? "");
        }

        foreach (var (_, value) in (map["binaryData"] as JsonObject)?.ToList() ?? [])
        {
            total += (value?.ToString().Length ?? 0) * 3 / 4;
        }

        if (total > MaxSecretSize)
        {
            errors.Add(FieldError.TooLong("", MaxSecretSize));
        }
    }

    // stringData is write-only: the server folds it into base64 data, stringData winning on clashes.
    private static void ValidateSecret(JsonObject secret, List<FieldError> errors)
    {
        if (secret["stringData"] is JsonObject stringData)
        {
            if (secret["data"] is not JsonObject data)
            {
                data = new JsonObject();
                secret["data"] = data;
            }

            foreach (var (key, value) in stringData.ToList())
            {
                data[key] = Convert.ToBase64String(Encoding.UTF8.GetBytes(value?.ToString() ?? ""));
            }

            secret.Remove("stringData");
        }

        secret["type"] ??= "Opaque";

        long total = 0;
        foreach (var (key, value) in (secret["data"] as JsonObject)?.ToList() ?? [])
        {
            // apimachinery validation.IsConfigMapKey: at most 253 characters of [-._a-zA-Z0-9], not '.' or '..', and
            // (hasChDirPrefix) not starting with '..'; the kubelet keeps '..data' in Secret volumes.
            if (key.Length > 253)
            {
                errors.Add(FieldError.InvalidValue($"data[{key}]", key, "must be no more than 253 characters"));
            }

            if (!SecretKey().IsMatch(key))
            {
                errors.Add(FieldError.InvalidValue($"data[{key}]", key, "a valid config key must consist of alphanumeric characters, '-', '_' or '.'"));
            }

            if (key is ".")
            {
                errors.Add(FieldError.InvalidValue($"data[{key}]", key, "must not be '.'"));
            }
            else if (key is "..")
            {
                errors.Add(FieldError.InvalidValue($"data[{key}]", key, "must not be '..'"));
            }
            else if (key.StartsWith("..", StringComparison.Ordinal))
            {
                errors.Add(FieldError.InvalidValue($"data[{key}]", key, "must not start with '..'"));
            }

            var text = value?.ToString() ?? "";
            var buffer = new byte[text.Length];
            if (!Convert.TryFromBase64String(text, buffer, out var length))
            {
                errors.Add(FieldError.InvalidValue($"data[{key}]", value, "illegal base64 data"));
                continue;
            }

            total += length;
        }

        if (total > MaxSecretSize)
        {
            errors.Add(FieldError.TooLong("data", MaxSecretSize));
        }

        ValidateSecretType(secret, errors);
    }

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex Dns1123Label();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex Dns1123Subdomain();

    [GeneratedRegex(@"^[-._a-zA-Z0-9]+$")]
    private static partial Regex SecretKey();
}
