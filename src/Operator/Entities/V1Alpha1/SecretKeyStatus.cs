using System.ComponentModel;
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;
using Operator.Entities.Schema;

namespace Operator.Entities.V1Alpha1;

/// <summary>Where one key of a group was read from.</summary>
public sealed class SecretKeyStatus
{
    [JsonPropertyName("key")]
    public string Key { get; set; } = "";

    [JsonPropertyName("fqn")]
    public string Fqn { get; set; } = "";

    [JsonPropertyName("remoteRef")]
    public string RemoteRef { get; set; } = "";

    [Description("The store's version of the value synced: the one remoteRef pins, else the current one when read.")]
    [JsonPropertyName("version")]
    public string? Version { get; set; }

    [Description("True when remoteRef pins the version (AWS name:3 or name:label, GCP .../versions/3, Azure name/<version id>, Vault ...?version=3).")]
    [JsonPropertyName("pinned")]
    public bool? Pinned { get; set; }

    [Description("The spec.dataFrom entry the key came from, e.g. spec.dataFrom[0].extract; unset for spec.secrets.")]
    [JsonPropertyName("from")]
    public string? From { get; set; }

    [Description("True when the store has no value for the key and target.deletionPolicy Delete left it out of the Secret.")]
    [JsonPropertyName("absent")]
    public bool? Absent { get; set; }
}
