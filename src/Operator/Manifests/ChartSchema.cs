using System.Text.Json;
using System.Text.Json.Nodes;
using Operator.Hosting;

namespace Operator.Manifests;

/// <summary>
/// values.schema.json: the values that are not flags, declared here, and each flag's value with the schema its type
/// derives (never kinder than the binary: a test feeds every flag's invalid examples to both).
/// </summary>
public static class ChartSchema
{
    /// <summary>Values the chart replaces when empty (<c>api.namespace</c>: the release namespace).</summary>
    public static IReadOnlyList<string> EmptyMeansDefault { get; } = ["api.namespace"];

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private const string Base = """
        {
          "$schema": "http://json-schema.org/draft-07/schema#",
          "title": "secretgroup-operator values",
          "type": "object",
          "additionalProperties": false,
          "required": ["tenant", "image", "replicas", "leaderElection", "logFormat", "syncInterval", "metrics", "health", "webhook", "api"],
          "properties": {
            "global": { "type": "object", "description": "Set by Helm for parent charts." },
            "image": {
              "type": "object",
              "additionalProperties": false,
              "required": ["repository", "pullPolicy"],
              "properties": {
                "repository": { "type": "string", "minLength": 1 },
                "tag": { "type": "string", "description": "Empty means the chart's appVersion." },
                "pullPolicy": { "type": "string", "enum": ["Always", "IfNotPresent", "Never"] }
              }
            },
            "imagePullSecrets": { "type": "array", "items": { "type": "string", "minLength": 1 } },
            "replicas": { "type": "integer", "minimum": 1, "maximum": 10 },
            "leaderElection": { "type": "object", "additionalProperties": false, "properties": {} },
            "resources": { "type": "object" },
            "tfyK8sSecretName": { "type": "string", "pattern": "^([a-z0-9]([-a-z0-9.]*[a-z0-9])?)?$", "maxLength": 253 },
            "extraEnv": { "type": "array", "items": { "type": "object", "required": ["name"] } },
            "serviceAccount": {
              "type": "object",
              "additionalProperties": false,
              "properties": {
                "create": { "type": "boolean" },
                "name": { "type": "string" },
                "annotations": { "type": "object", "additionalProperties": { "type": "string" } }
              }
            },
            "podAnnotations": { "type": "object", "additionalProperties": { "type": "string" } },
            "podLabels": { "type": "object", "additionalProperties": { "type": "string" } },
            "priorityClassName": { "type": "string" },
            "nodeSelector": { "type": "object", "additionalProperties": { "type": "string" } },
            "tolerations": { "type": "array", "items": { "type": "object" } },
            "affinity": { "type": "object" },
            "health": { "type": "object", "additionalProperties": false, "properties": {} },
            "sharedReads": { "type": "object", "additionalProperties": false, "properties": {} },
            "metrics": {
              "type": "object",
              "additionalProperties": false,
              "properties": {
                "serviceMonitor": {
                  "type": "object",
                  "additionalProperties": false,
                  "properties": {
                    "enabled": { "type": "boolean" },
                    "interval": { "type": "string", "pattern": "^[0-9]+(ms|s|m|h)$" },
                    "labels": { "type": "object", "additionalProperties": { "type": "string" } }
                  }
                }
              }
            },
            "podDisruptionBudget": {
              "type": "object",
              "additionalProperties": false,
              "properties": { "enabled": { "type": "boolean" }, "minAvailable": { "type": ["integer", "string"] } }
            },
            "networkPolicy": {
              "type": "object",
              "additionalProperties": false,
              "properties": {
                "enabled": { "type": "boolean" },
                "metricsFrom": { "type": "array", "items": { "type": "object" } },
                "apiFrom": { "type": "array", "minItems": 1, "items": { "type": "object" }, "description": "Peers allowed to call the REST API; never empty (that would open it to every source)." }
              }
            },
            "webhook": {
              "type": "object",
              "additionalProperties": false,
              "properties": {
                "failurePolicy": { "type": "string", "enum": ["Fail", "Ignore"] },
                "timeoutSeconds": { "type": "integer", "minimum": 1, "maximum": 30 },
                "namespaceSelector": {
                  "type": "object",
                  "additionalProperties": false,
                  "properties": {
                    "matchLabels": { "type": "object", "additionalProperties": { "type": "string" } },
                    "matchExpressions": { "type": "array", "items": { "type": "object", "required": ["key", "operator"] } }
                  }
                },
                "certManager": {
                  "type": "object",
                  "additionalProperties": false,
                  "properties": {
                    "issuerRef": {
                      "type": "object",
                      "additionalProperties": false,
                      "properties": { "name": { "type": "string" }, "kind": { "type": "string", "enum": ["Issuer", "ClusterIssuer"] }, "group": { "type": "string" } }
                    }
                  }
                }
              }
            },
            "api": {
              "type": "object",
              "additionalProperties": false,
              "properties": {
                "certManager": {
                  "type": "object",
                  "additionalProperties": false,
                  "properties": {
                    "issuerRef": {
                      "type": "object",
                      "additionalProperties": false,
                      "properties": { "name": { "type": "string" }, "kind": { "type": "string", "enum": ["Issuer", "ClusterIssuer"] }, "group": { "type": "string" } }
                    }
                  }
                }
              }
            }
          }
        }
        """;

    public static string Render()
    {
        var schema = JsonNode.Parse(Base)!.AsObject();
        foreach (var flag in OperatorFlags.All.Where(f => f.HelmValue is not null))
        {
            var parts = flag.HelmValue!.Split('.');
            var parent = parts[..^1].Aggregate(schema, (node, part) => node["properties"]![part]!.AsObject());
            var value = flag.ValuesSchema();
            parent["properties"]![parts[^1]] = EmptyMeansDefault.Contains(flag.HelmValue)
                ? new JsonObject { ["description"] = value["description"]!.DeepClone(), ["anyOf"] = new JsonArray(new JsonObject { ["const"] = "" }, WithoutDescription(value)) }
                : value;
        }

        return JsonSerializer.Serialize(schema, Indented) + "\n";
    }

    private static JsonObject WithoutDescription(JsonObject value)
    {
        value.Remove("description");
        return value;
    }
}
