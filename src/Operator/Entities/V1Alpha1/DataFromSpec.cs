using System.ComponentModel;
using System.Text.Json.Serialization;
using Operator.Entities.Schema;

namespace Operator.Entities.V1Alpha1;

/// <summary>Whole secrets into the group's Secret: one JSON value expanded into keys, or every value found under a path.</summary>
[ExactlyOneOf("extract", "find")]
public sealed class DataFromSpec
{
    [Description("Expand one value holding a JSON object into one key per property (nested objects and arrays as JSON text, strings as they are).")]
    [JsonPropertyName("extract")]
    public ExtractSpec? Extract { get; set; }

    [Description("Every value whose path starts with find.path (and whose name matches find.name.regexp), one key each, named by the last path segment.")]
    [JsonPropertyName("find")]
    public FindSpec? Find { get; set; }

    [Items(0, 10)]
    [Description("Key-name rewrites applied in order to every key this entry yields; a key not a valid Secret key afterwards is an error naming this field.")]
    [JsonPropertyName("rewrite")]
    public IList<RewriteSpec>? Rewrite { get; set; }
}

/// <summary>The value whose JSON object is expanded: read as a <see cref="SecretKeySpec"/> with the same key and remoteRef would be.</summary>
public sealed class ExtractSpec
{
    [Required]
    [Pattern(Patterns.SecretKey)]
    [Length(1, 253)]
    [Description("A key name in the group's own location whose value is a JSON object; with remoteRef, only a name for messages and status.")]
    [JsonPropertyName("key")]
    public string Key { get; set; } = "";

    [Length(1, 2400)]
    [CelRule("!self.startsWith('tfy-k8s-secret://')", "tfy-k8s-secret:// references are only allowed in SecretStoreIntegration fields")]
    [Description("A path in the group's store or a full reference (as secrets[].remoteRef); default is the group's own location of key.")]
    [JsonPropertyName("remoteRef")]
    public string? RemoteRef { get; set; }
}

/// <summary>Values found by listing the group's store under a path prefix.</summary>
public sealed class FindSpec
{
    /// <summary>Keys one find yields unless <see cref="MaxKeys"/> says otherwise.</summary>
    public const int DefaultMaxKeys = 100;

    /// <summary>The most keys one find may yield (as many as spec.secrets may list).</summary>
    public const int MaxMaxKeys = 500;

    [Required]
    [Length(1, 1024)]
    [Description("The path prefix to list in the group's store; outside the group's own location it needs the integration's spec.access.allowPathReferences.")]
    [JsonPropertyName("path")]
    public string Path { get; set; } = "";

    [Description("Only names (the path's last segment) matching this regular expression.")]
    [JsonPropertyName("name")]
    public FindNameSpec? Name { get; set; }

    [Description("Only values carrying all of these tags (Azure Key Vault tags; GCP labels). Not every store keeps tags.")]
    [JsonPropertyName("tags")]
    public IDictionary<string, string>? Tags { get; set; }

    [Range(1, MaxMaxKeys)]
    [Description("The most keys this find may yield (default 100, at most 500); more found is an error naming this field, and the Secret is unchanged.")]
    [JsonPropertyName("maxKeys")]
    public int? MaxKeys { get; set; }
}

/// <summary>A name filter for <see cref="FindSpec"/>.</summary>
public sealed class FindNameSpec
{
    [Required]
    [Length(1, 256)]
    [Description("A regular expression (RE2-like: no backreferences or lookaround; matched in linear time) the name must match somewhere.")]
    [JsonPropertyName("regexp")]
    public string Regexp { get; set; } = "";
}

/// <summary>One key-name rewrite, as External Secrets Operator's <c>rewrite: [{regexp: {source, target}}]</c>.</summary>
public sealed class RewriteSpec
{
    [Required]
    [Description("Replace every match of source in a key name with target.")]
    [JsonPropertyName("regexp")]
    public RewriteRegexpSpec Regexp { get; set; } = new();
}

/// <summary>A regular-expression replacement of key names.</summary>
public sealed class RewriteRegexpSpec
{
    [Required]
    [Length(1, 256)]
    [Description("A regular expression (RE2-like: no backreferences or lookaround; matched in linear time).")]
    [JsonPropertyName("source")]
    public string Source { get; set; } = "";

    [Required]
    [Length(0, 256)]
    [Description("The replacement; $1 or ${name} insert a capture group.")]
    [JsonPropertyName("target")]
    public string Target { get; set; } = "";
}
