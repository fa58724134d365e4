using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Operator.Testing.Kube;

/// <summary>ObjectMeta rules every resource shares: labels, annotations, ownerReferences.</summary>
internal static partial class MetadataValidation
{
    private const int MaxAnnotationBytes = 256 * 1024;

    public static void Validate(JsonObject obj, List<FieldError> errors)
    {
        var metadata = obj["metadata"] as JsonObject;
        foreach (var (key, value) in (metadata?["labels"] as JsonObject)?.ToList() ?? [])
        {
            ValidateQualifiedName("metadata.labels", key, errors);
            var text = value?.ToString() ?? "";
            if (text.Length > 63)
            {
                errors.Add(FieldError.InvalidValue("metadata.labels", text, "must be no more than 63 characters"));
            }
            else if (!LabelValue().IsMatch(text))
            {
                errors.Add(FieldError.InvalidValue("metadata.labels", text,
                    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"));
            }
        }

        long annotationBytes = 0;
        foreach (var (key, value) in (metadata?["annotations"] as JsonObject)?.ToList() ?? [])
        {
            ValidateQualifiedName("metadata.annotations", key.ToLowerInvariant(), errors);
            annotationBytes += key.Length + Encoding.UTF8.GetByteCount(value?.ToString() ?? "");
        }

        if (annotationBytes > MaxAnnotationBytes)
        {
            errors.Add(FieldError.TooLong("metadata.annotations", MaxAnnotationBytes));
        }

        var owners = (metadata?["ownerReferences"] as JsonArray)?.OfType<JsonObject>().ToList() ?? [];
        for (var i = 0; i < owners.Count; i++)
        {
            foreach (var field in new[] { "apiVersion", "kind", "name", "uid" })
            {
                if (string.IsNullOrEmpty((string?)owners[i][field]))
                {
                    errors.Add(FieldError.InvalidValue($"metadata.ownerReferences[{i}].{field}", "", $"{field} must not be empty"));
                }
            }
        }

        if (owners.Count(o => o["controller"]?.GetValueKind() == System.Text.Json.JsonValueKind.True) > 1)
        {
            errors.Add(FieldError.InvalidValue("metadata.ownerReferences", "", "Only one reference can have Controller set to true"));
        }
    }

    private static void ValidateQualifiedName(string field, string key, List<FieldError> errors)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        var prefix = slash >= 0 ? key[..slash] : null;
        var name = slash >= 0 ? key[(slash + 1)..] : key;
        var valid = name.Length is > 0 and <= 63 && QualifiedNamePart().IsMatch(name)
            && (prefix is null || (prefix.Length is > 0 and <= 253 && Subdomain().IsMatch(prefix)));
        if (!valid)
        {
            errors.Add(FieldError.InvalidValue(field, key,
                "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"));
        }
    }

    [GeneratedRegex("^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")]
    private static partial Regex LabelValue();

    [GeneratedRegex("^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")]
    private static partial Regex QualifiedNamePart();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex Subdomain();
}

/// <summary>The fields the real server requires on events.k8s.io/v1 Events.</summary>
internal static class EventValidation
{
    public static void Validate(JsonObject ev, List<FieldError> errors)
    {
        foreach (var field in new[] { "eventTime", "reportingController", "reportingInstance", "action", "reason" })
        {
            if (string.IsNullOrEmpty(ev[field]?.ToString()))
            {
                errors.Add(FieldError.Required(field));
            }
        }

        if ((string?)ev["type"] is not ("Normal" or "Warning"))
        {
            errors.Add(FieldError.NotSupported("type", ev["type"], ["\"Normal\"", "\"Warning\""]));
        }

        if (Encoding.UTF8.GetByteCount((string?)ev["note"] ?? "") > 1024)
        {
            errors.Add(new FieldError("note", "FieldValueTooLong", "Too long: may not be more than 1024 bytes"));
        }
    }
}
