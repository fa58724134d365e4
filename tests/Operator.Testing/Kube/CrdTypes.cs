using System.Text.Json.Nodes;

namespace Operator.Testing.Kube;

/// <summary>Reads a CustomResourceDefinition object into the resource types it serves.</summary>
internal static class CrdTypes
{
    public static IReadOnlyList<ResourceType> FromCrd(JsonObject crd)
    {
        var spec = crd["spec"] as JsonObject ?? throw KubeApiException.BadRequest("spec is required");
        var group = (string?)spec["group"] ?? "";
        var names = spec["names"] as JsonObject ?? new JsonObject();
        var plural = (string?)names["plural"] ?? "";
        var kind = (string?)names["kind"] ?? "";
        var singular = (string?)names["singular"] ?? kind.ToLowerInvariant();
        var shortNames = (names["shortNames"] as JsonArray)?.Select(n => (string?)n ?? "").ToArray() ?? [];
        var categories = (names["categories"] as JsonArray)?.Select(n => (string?)n ?? "").ToArray() ?? [];
        var namespaced = !string.Equals((string?)spec["scope"], "Cluster", StringComparison.Ordinal);
        var result = new List<ResourceType>();
        foreach (var version in (spec["versions"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (version["served"]?.GetValue<bool>() == false)
            {
                continue;
            }

            var hasStatus = version["subresources"]?["status"] is not null;
            result.Add(new ResourceType(group, (string?)version["name"] ?? "v1", plural, singular, kind, namespaced)
            {
                HasStatus = hasStatus,
                TracksGeneration = true,
                IsCustom = true,
                ShortNames = shortNames,
                Categories = categories,
                Schema = version["schema"]?["openAPIV3Schema"] as JsonObject,
                PrinterColumns = PrinterColumns(version),
            });
        }

        return result;
    }

    public static IReadOnlyList<FieldError> Validate(JsonObject crd)
    {
        var errors = new List<FieldError>();
        var spec = crd["spec"] as JsonObject;
        var group = (string?)spec?["group"];
        var plural = (string?)spec?["names"]?["plural"];
        var name = (string?)crd["metadata"]?["name"];
        if (string.IsNullOrEmpty(group))
        {
            errors.Add(FieldError.Required("spec.group"));
        }

        if (string.IsNullOrEmpty(plural))
        {
            errors.Add(FieldError.Required("spec.names.plural"));
        }

        if (string.IsNullOrEmpty((string?)spec?["names"]?["kind"]))
        {
            errors.Add(FieldError.Required("spec.names.kind"));
        }

        if (errors.Count == 0 && name != $"{plural}.{group}")
        {
            errors.Add(FieldError.InvalidValue("metadata.name", name, $"must be spec.names.plural+\".\"+spec.group"));
        }

        if ((spec?["versions"] as JsonArray)?.Count is null or 0)
        {
            errors.Add(FieldError.Required("spec.versions"));
        }

        var versions = (spec?["versions"] as JsonArray ?? []).ToList();
        for (var i = 0; i < versions.Count; i++)
        {
            RulesCompile(versions[i]?["schema"]?["openAPIV3Schema"], $"spec.versions[{i}].schema.openAPIV3Schema", errors);
        }

        return errors;
    }

    // The real server compiles every x-kubernetes-validations rule when the CRD is written and refuses one that fails.
    private static void RulesCompile(JsonNode? schema, string path, List<FieldError> errors)
    {
        if (schema is not JsonObject obj)
        {
            return;
        }

        var rules = (obj["x-kubernetes-validations"] as JsonArray ?? []).ToList();
        for (var i = 0; i < rules.Count; i++)
        {
            var rule = (string?)rules[i]?["rule"] ?? "";
            if (Validation.CelRules.CompileError(rule) is { } error)
            {
                errors.Add(FieldError.InvalidValue($"{path}.x-kubernetes-validations[{i}].rule", JsonValue.Create(rule), $"compilation failed: {error}"));
            }
        }

        foreach (var (key, child) in (obj["properties"] as JsonObject)?.ToList() ?? [])
        {
            RulesCompile(child, $"{path}.properties[{key}]", errors);
        }

        RulesCompile(obj["items"], $"{path}.items", errors);
        RulesCompile(obj["additionalProperties"], $"{path}.additionalProperties", errors);
    }

    /// <summary>The status the real apiextensions controllers would write once the names are accepted.</summary>
    public static JsonObject EstablishedStatus(JsonObject crd, string now)
    {
        var spec = crd["spec"] as JsonObject ?? new JsonObject();
        var stored = (spec["versions"] as JsonArray ?? []).OfType<JsonObject>()
            .Where(v => v["storage"]?.GetValue<bool>() == true)
            .Select(v => (JsonNode?)JsonValue.Create((string?)v["name"]))
            .ToArray();
        return new JsonObject
        {
            ["acceptedNames"] = spec["names"]?.DeepClone(),
            ["conditions"] = new JsonArray(
                Condition("NamesAccepted", "NoConflicts", "no conflicts found", now),
                Condition("Established", "InitialNamesAccepted", "the initial names have been accepted", now)),
            ["storedVersions"] = new JsonArray(stored),
        };
    }

    private static JsonObject Condition(string type, string reason, string message, string now) => new()
    {
        ["type"] = type,
        ["status"] = "True",
        ["lastTransitionTime"] = now,
        ["reason"] = reason,
        ["message"] = message,
    };

    private static List<PrinterColumn> PrinterColumns(JsonObject version)
    {
        var columns = (version["additionalPrinterColumns"] as JsonArray ?? []).OfType<JsonObject>()
            .Select(c => new PrinterColumn(
                (string?)c["name"] ?? "",
                (string?)c["type"] ?? "string",
                (string?)c["jsonPath"] ?? "",
                (string?)c["description"] ?? "",
                c["priority"]?.GetValue<int>() ?? 0,
                (string?)c["format"]))
            .ToList();
        if (columns.Count == 0)
        {
            columns.Add(new PrinterColumn("Age", "date", ".metadata.creationTimestamp", "", 0, null));
        }

        return columns;
    }
}
