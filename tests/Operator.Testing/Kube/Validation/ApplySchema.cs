using System.Text.Json.Nodes;

namespace Operator.Testing.Kube.Validation;

/// <summary>
/// Server-side apply types the applied configuration against the resource's schema before merging (managedfields'
/// structuredmerge.go: <c>typeConverter.ObjectToTyped(patchObj)</c>): a field the schema does not declare fails the
/// request whatever the fieldValidation directive, as <c>failed to create typed patch object (ns/name; gvk): .path:
/// field not declared in schema</c>. That is a plain Go error, which the API server answers as 500 with no reason
/// (apimachinery's ErrorToAPIStatus), so kubectl prints "Error from server: ...".
/// </summary>
internal static class ApplySchema
{
    public static void ThrowIfUndeclared(ResourceType type, JsonObject applied)
    {
        if (!type.IsCustom || type.Schema is not { } schema)
        {
            return;
        }

        var undeclared = new List<string>();
        SchemaValidator.PruneAndDefault(schema, applied.DeepClone().AsObject(), undeclared.Add);
        if (undeclared.Count == 0)
        {
            return;
        }

        // structured-merge-diff's ValidationErrors: one error alone, else "errors:" and one indented line each.
        var errors = undeclared.Select(p => $".{p}: field not declared in schema").ToList();
        var text = errors.Count == 1 ? errors[0] : string.Join('\n', ["errors:", .. errors.Select(e => "  " + e)]);
        var metadata = applied["metadata"] as JsonObject;
        var gvk = $"{(type.Group.Length == 0 ? "" : type.Group + "/")}{type.Version}, Kind={type.Kind}";
        throw new KubeApiException(500, "", $"failed to create typed patch object ({(string?)metadata?["namespace"]}/{(string?)metadata?["name"]}; {gvk}): {text}");
    }
}
