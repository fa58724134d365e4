using k8s.Models;

namespace Operator.Manifests;

/// <summary>The OpenAPI schema of a <c>[]metav1.Condition</c> status field, as controller-gen emits it.</summary>
internal static class ConditionSchema
{
    /// <summary>A list of conditions keyed by <c>type</c>, so one condition per type.</summary>
    public static V1JSONSchemaProps List() => new()
    {
        Type = "array",
        Description = "Conditions in metav1.Condition shape, one per type (Ready, Synced, ...).",
        Items = Condition(),
        XKubernetesListType = "map",
        XKubernetesListMapKeys = ["type"],
    };

    private static V1JSONSchemaProps Condition() => new()
    {
        Type = "object",
        Description = "Condition contains details for one aspect of the current state of this API Resource.",
        Required = ["type", "status"],
        Properties = new OrderedDictionary<string, V1JSONSchemaProps>
        {
            ["type"] = new()
            {
                Type = "string",
                Description = "Type of condition in CamelCase, e.g. Ready.",
                MaxLength = 316,
            },
            ["status"] = new()
            {
                Type = "string",
                Description = "Status of the condition, one of True, False, Unknown.",
                EnumProperty = ["True", "False", "Unknown"],
            },
            ["reason"] = new()
            {
                Type = "string",
                Description = "A programmatic identifier in CamelCase for the condition's last transition.",
                MaxLength = 1024,
            },
            ["message"] = new()
            {
                Type = "string",
                Description = "A human readable message with details about the transition.",
                MaxLength = 32768,
            },
            ["lastTransitionTime"] = new()
            {
                Type = "string",
                Format = "date-time",
                Description = "When the condition last changed from one status to another.",
            },
            ["observedGeneration"] = new()
            {
                Type = "integer",
                Format = "int64",
                Minimum = 0,
                Description = "The .metadata.generation that the condition was set based upon.",
            },
        },
    };
}
