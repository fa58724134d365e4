using System.ComponentModel;
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;
using Operator.Entities.Schema;

namespace Operator.Entities.V1Alpha1;

/// <summary>Name, metadata and lifecycle of the managed Secret.</summary>
[CelRule("!has(self.creationPolicy) || self.creationPolicy != 'Merge' || ((!has(self.immutable) || !self.immutable) && !has(self.labels) && !has(self.annotations) && !has(self.template))", "creationPolicy Merge adds keys only: immutable, labels, annotations and template cannot be set with it")]
public sealed class SecretTargetSpec
{
    public const string Owner = "Owner";
    public const string Orphan = "Orphan";
    public const string Merge = "Merge";
    public const string Retain = "Retain";
    public const string Delete = "Delete";

    [Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")]
    [Length(1, 253)]
    [Description("The Secret's name; default the group's name.")]
    [JsonPropertyName("name")]
    public string? Name { get; set; }

    [Description("Labels added to the Secret.")]
    [JsonPropertyName("labels")]
    public IDictionary<string, string>? Labels { get; set; }

    [Description("Annotations added to the Secret.")]
    [JsonPropertyName("annotations")]
    public IDictionary<string, string>? Annotations { get; set; }

    [EnumValues(Owner, Orphan, Merge)]
    [Description("Owner (default): the group creates the Secret and it is deleted with the group. Orphan: the group creates and manages it, and it outlives the group. Merge: the group adds its keys to an existing Secret it does not own, touching nothing else (never a Secret another group manages, a service-account token or a Helm release).")]
    [JsonPropertyName("creationPolicy")]
    public string? CreationPolicy { get; set; }

    [EnumValues(Retain, Delete)]
    [Description("When a key's value is not in the store: Retain (default) keeps the Secret as it is and reports SecretNotFound; Delete removes the key from the Secret and syncs the rest.")]
    [JsonPropertyName("deletionPolicy")]
    public string? DeletionPolicy { get; set; }

    [Description("Make the Secret immutable (the kubelet stops watching it); a change of data replaces the Secret (delete and create). Not with creationPolicy Merge.")]
    [JsonPropertyName("immutable")]
    public bool? Immutable { get; set; }

    [Description("The Secret's type, extra metadata and data rendered from the group's keys with Liquid templates. Not with creationPolicy Merge.")]
    [JsonPropertyName("template")]
    public SecretTemplateSpec? Template { get; set; }

    /// <summary>The creation policy, Owner when unset.</summary>
    [JsonIgnore]
    public string Creation => CreationPolicy ?? Owner;

    /// <summary>Whether keys whose value is not in the store are left out of the Secret.</summary>
    [JsonIgnore]
    public bool DeletesVanishedKeys => DeletionPolicy == Delete;
}
